import { afterEach, expect, it } from 'vitest';
import { ensureChromium } from '../../stack/chromium';
import { MissingPrerequisite } from '../../stack/service';

const saved = process.env.CHROMIUM_PATH;
afterEach(() => {
  if (saved === undefined) delete process.env.CHROMIUM_PATH;
  else process.env.CHROMIUM_PATH = saved;
});

it('uses the Chromium it is given, and names in French a given one that is missing, with the way to get it', async () => {
  process.env.CHROMIUM_PATH = process.execPath; // any executable that exists
  await expect(ensureChromium(() => undefined)).resolves.toBe(process.execPath);
  process.env.CHROMIUM_PATH = '/nulle/part/chromium';
  const lines: string[] = [];
  const refused = ensureChromium((l) => lines.push(l));
  await expect(refused).rejects.toBeInstanceOf(MissingPrerequisite);
  await expect(refused).rejects.toThrow('Chromium introuvable (/nulle/part/chromium) pour les tests dans le navigateur : installez-le (apt-get install chromium) ou indiquez son chemin dans CHROMIUM_PATH.');
  expect(lines).toEqual([]); // a path of the user's is never overridden by an install
});
