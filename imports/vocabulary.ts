/** The French words of purchase programmes and of the DECP for our natures and procedures; one table for both imports. */
import { normalizeLabel } from './cells';
import type { ContractFacts } from '../domain/contract';

type Nature = ContractFacts['nature'];
type Procedure = ContractFacts['procedure'];

// "Prestations intellectuelles" (CCAG-PI: studies, consulting) are services in law (CCP L1111-4); our `design` is the
// maîtrise d'œuvre only, as web/forms/labels.ts and the DECP export (CCAG "Maitrise d'œuvre") read it.
const NATURES: Record<string, Nature> = {
  travaux: 'works',
  fournitures: 'supplies',
  fourniture: 'supplies',
  'fournitures courantes': 'supplies',
  services: 'services',
  service: 'services',
  'prestations de services': 'services',
  'prestations intellectuelles': 'services',
  pi: 'services',
  'maitrise d oeuvre': 'design',
  moe: 'design',
  works: 'works',
  supplies: 'supplies',
  design: 'design',
};

const PROCEDURES: Record<string, Procedure> = {
  mapa: 'mapa',
  'procedure adaptee': 'mapa',
  'marche a procedure adaptee': 'mapa',
  ao: 'appel-offres',
  aoo: 'appel-offres',
  aor: 'appel-offres',
  'appel d offres': 'appel-offres',
  'appel d offres ouvert': 'appel-offres',
  'appel d offres restreint': 'appel-offres',
  'procedure avec negociation': 'procedure-avec-negociation',
  pan: 'procedure-avec-negociation',
  'procedure negociee': 'procedure-avec-negociation',
  'procedure concurrentielle avec negociation': 'procedure-avec-negociation',
  'procedure negociee avec mise en concurrence prealable': 'procedure-avec-negociation',
  'dialogue competitif': 'dialogue-competitif',
  'sans publicite ni mise en concurrence': 'sans-publicite',
  'sans publicite ni mise en concurrence prealable': 'sans-publicite',
  'marche passe sans publicite ni mise en concurrence prealable': 'sans-publicite',
  'marche negocie sans publicite ni mise en concurrence prealable': 'sans-publicite',
  'procedure negociee sans publicite ni mise en concurrence prealable': 'sans-publicite',
};
for (const p of ['appel-offres', 'procedure-avec-negociation', 'dialogue-competitif', 'sans-publicite'] as const) PROCEDURES[normalizeLabel(p)] = p;

export const parseNature = (text: string): Nature | undefined => NATURES[normalizeLabel(text)];
export const parseProcedure = (text: string): Procedure | undefined => PROCEDURES[normalizeLabel(text)];

export const NATURE_WORDS = 'Travaux, Fournitures, Services, Prestations intellectuelles, Maîtrise d’œuvre';
export const PROCEDURE_WORDS = 'MAPA, Appel d’offres ouvert ou restreint, Procédure avec négociation, Dialogue compétitif, Sans publicité ni mise en concurrence';
