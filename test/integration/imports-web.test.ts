/**
 * Imports in the administration, in Chromium (issue 17): an administrator uploads a programme with a bad row, reads
 * the dry run's report (the row and the column named, in French), applies the good rows, and the contracts arrive
 * through Kafka and their workflows. Another administrator cannot apply it; a buyer cannot import.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { POLICIES_DIR, storeAllPolicies } from '../../activities/policy';
import { createLogger } from '../../lib/logger';
import { createConsumerApp } from '../../workers/consumer';
import { accessibilityProblems } from '../support/accessibility';
import { launchBrowser, signIn } from '../support/browser';
import { uniqueId } from '../support/env';
import { eventually } from '../support/eventually';
import { person, type Person } from '../support/people';
import { webEnv } from '../support/web-env';

let env: Awaited<ReturnType<typeof webEnv>>;
let consumer: Awaited<ReturnType<typeof createConsumerApp>>;
let browser: Browser;
let admin: Person;
let otherAdmin: Person;

beforeAll(async () => {
  [env, browser] = await Promise.all([webEnv({ topicPrefix: `${uniqueId('impweb')}.` }), launchBrowser()]);
  consumer = await createConsumerApp(env.config, createLogger('test', 'silent'), { taskQueue: env.taskQueue, groupId: uniqueId('group') });
  void consumer.start();
  await storeAllPolicies(env.db, POLICIES_DIR);
  [admin, otherAdmin] = [await person(env.db, 'manager', 'dijon'), await person(env.db, 'manager', 'dijon')];
  for (const a of [admin, otherAdmin]) await env.db.user.update({ where: { id: a.id }, data: { admin: true } });
}, 120_000);

afterAll(async () => {
  await consumer?.stop();
  await browser?.close();
  await env?.teardown();
});

const HEADER = 'Référence;Objet;Nature;Code CPV;Montant estimé (HT);Procédure;Lots;Durée (mois);Date prévisionnelle d’attribution;Récurrent;Service acheteur;Acheteur (nom);Acheteur (courriel)';

it('uploads a programme, reads the dry run row by row, applies the good rows, and nothing doubles on a second import', async () => {
  const ref = uniqueId('W');
  const csv = [
    HEADER,
    `${ref}-1;Collecte des encombrants;Services;90511000;850 000;Appel d’offres ouvert;0;48;01/06/2029;Oui;Propreté;Alix Petit;alix.petit@dijon.test`,
    `${ref}-2;Mobilier scolaire;Fournitures;39160000;120 000,00;MAPA;2;24;15/09/2029;Non;Éducation;Alix Petit;alix.petit@dijon.test`,
    `${ref}-3;Voirie;Travaux;45233140;beaucoup;MAPA;0;12;01/03/2029;Non;Voirie;Alix Petit;alix.petit@dijon.test`,
  ].join('\n');
  const upload = async (page: Awaited<ReturnType<typeof signIn>>) => {
    await page.goto(`${env.url}/administration/imports`);
    await page.getByLabel(/^Contenu du fichier/).selectOption('programmation');
    await page.getByLabel(/^Fichier/).setInputFiles({ name: 'programmation.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Vérifier (essai à blanc)' }).click();
  };

  const page = await signIn(browser, env.url, admin.token);
  await page.goto(`${env.url}/administration`);
  await page.getByRole('link', { name: /Importer un fichier/ }).click();
  // A missing file is named next to its field.
  await page.getByLabel(/^Contenu du fichier/).selectOption('programmation');
  await page.getByRole('button', { name: 'Vérifier (essai à blanc)' }).click();
  const file = page.getByLabel(/^Fichier/);
  expect(await file.getAttribute('aria-invalid')).toBe('true');
  expect(await page.locator(`#${await file.getAttribute('aria-describedby')}`).textContent()).toBe('choisissez le fichier à importer');
  expect(await accessibilityProblems(page)).toEqual([]);

  await upload(page);
  expect(await page.getByRole('status').textContent()).toContain('Essai à blanc : 2 à créer, 0 à modifier, 0 inchangé(s), 1 refusé(s).');
  const refused = page.locator('#rapport tbody tr.refused');
  expect(await refused.locator('th').textContent()).toBe('ligne 4');
  expect(await refused.locator('td').nth(2).textContent()).toContain('Montant estimé (HT) : montant illisible');
  expect(await accessibilityProblems(page)).toEqual([]);
  const applyUrl = await page.locator('form[action$="/application"]').getAttribute('action');
  expect(await env.db.contract.count({ where: { id: { startsWith: `PROG-dijon-${ref}` } } })).toBe(0); // a dry run changes nothing

  // Another administrator of the collectivity cannot apply this upload.
  const other = await signIn(browser, env.url, otherAdmin.token);
  const stolen = await other.request.post(`${env.url}${applyUrl}`, { form: { lignesValides: 'oui' } });
  expect(stolen.status()).toBe(404);
  await other.context().close();

  // Without "good rows only", nothing is applied.
  await page.getByRole('button', { name: 'Appliquer l’import' }).click();
  expect(await page.getByRole('status').textContent()).toContain('Rien n’est appliqué');
  await page.getByLabel(/N’appliquer que les lignes valides/).check();
  await page.getByRole('button', { name: 'Appliquer l’import' }).click();
  expect(await page.getByRole('status').textContent()).toContain('Import appliqué : 2 créé(s)');
  await eventually('the two contracts', async () => ((await env.db.contract.count({ where: { id: { startsWith: `PROG-dijon-${ref}` } } })) === 2 ? true : undefined));
  expect(await env.db.contract.findUnique({ where: { id: `PROG-dijon-${ref}-2` } })).toMatchObject({ object: 'Mobilier scolaire', lots: 2, procedure: 'mapa' });

  await upload(page);
  expect(await page.getByRole('status').textContent()).toContain('Essai à blanc : 0 à créer, 0 à modifier, 2 inchangé(s), 1 refusé(s).');
  await page.context().close();
});

it('refuses the import pages to a buyer', async () => {
  const buyer = await person(env.db, 'buyer', 'dijon');
  const page = await signIn(browser, env.url, buyer.token);
  const response = await page.goto(`${env.url}/administration/imports`);
  expect(response?.status()).toBe(403);
  await page.context().close();
});
