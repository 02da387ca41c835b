/** Validation messages in French, for everyone zod answers: people's forms, the API, the dead-letter reasons. */
import { z } from 'zod';

z.config(z.locales.fr());
