/**
 * Contracts in the browser (issue 16): a buyer registers a contract through the form and a manager suspends it from
 * its page. Both go through the event path (the same ingestion as Kafka and the HTTP API), so the contract's
 * workflow starts and takes the suspension, with the person in the audit trail. Real Kafka, Temporal, PostgreSQL.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { statusQuery } from '../../workflows/contract-lifecycle';
import { contractWorkflowId } from '../../domain/contract';
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
let buyer: Person;
let manager: Person;

beforeAll(async () => {
  // Topics of its own: the consumer here starts workflows on this file's worker only.
  [env, browser] = await Promise.all([webEnv({ topicPrefix: `${uniqueId('forms')}.` }), launchBrowser()]);
  consumer = await createConsumerApp(env.config, createLogger('test', 'silent'), { taskQueue: env.taskQueue, groupId: uniqueId('group') });
  void consumer.start();
  buyer = await person(env.db, 'buyer', 'clermont');
  manager = await person(env.db, 'manager', 'clermont');
}, 120_000);

afterAll(async () => {
  await consumer?.stop();
  await browser?.close();
  await env?.teardown();
});

it('a buyer registers a contract through the form, errors next to their fields; a manager suspends it', async () => {
  const page = await signIn(browser, env.url, buyer.token);
  await page.goto(`${env.url}/contrats`);
  await page.getByRole('link', { name: 'Nouveau contrat' }).click();
  const reference = uniqueId('WEB');
  await page.getByLabel('Référence du marché').fill(reference);
  await page.getByLabel('Objet du marché').fill('Entretien des espaces verts');
  await page.getByLabel('Code CPV principal').fill('77310');
  await page.getByRole('button', { name: 'Enregistrer le contrat' }).click();
  const cpv = page.getByLabel('Code CPV principal');
  expect(await cpv.getAttribute('aria-invalid')).toBe('true');
  expect(await page.locator(`#${await cpv.getAttribute('aria-describedby')}`).textContent()).toBe('code CPV à 8 chiffres');
  expect(await accessibilityProblems(page)).toEqual([]);

  await cpv.fill('77310000');
  await page.getByLabel('Nature').selectOption('services');
  await page.getByLabel('Montant estimé (€ HT)').fill('120000');
  await page.getByLabel('Procédure').selectOption('appel-offres');
  await page.getByLabel('Nombre de lots').fill('0');
  await page.getByLabel('Durée (mois)').fill('36');
  await page.getByLabel('Date d’attribution prévue').fill('2027-09-01');
  await page.getByRole('group', { name: 'Besoin récurrent (à renouveler) ?' }).getByLabel('Oui').check();
  await page.getByLabel('Service acheteur').fill('Espaces verts');
  await page.getByRole('button', { name: 'Enregistrer le contrat' }).click();
  expect(await page.locator('h1').textContent()).toBe('Contrat enregistré');

  const handle = env.temporal.workflow.getHandle(contractWorkflowId(reference));
  await eventually('the contract’s workflow', () => handle.query(statusQuery).catch(() => undefined));
  const row = await eventually('the contract row', () => env.db.contract.findUnique({ where: { id: reference } }).then((c) => c ?? undefined));
  expect(row).toMatchObject({ collectivityId: 'clermont', buyerEmail: buyer.email, object: 'Entretien des espaces verts', recurring: true });
  await page.context().close();

  const desk = await signIn(browser, env.url, manager.token);
  await desk.goto(`${env.url}/contrats/${reference}`);
  await desk.getByText('Agir sur le marché').click();
  expect(await accessibilityProblems(desk)).toEqual([]);
  const suspend = desk.locator('form', { has: desk.getByRole('heading', { name: 'Suspendre le marché' }) });
  await suspend.getByLabel('Motif').fill('Travaux de voirie sur le site');
  await suspend.getByRole('button', { name: 'Suspendre le marché' }).click();
  expect(await desk.locator('h1').textContent()).toBe('Suspendre le marché');
  await eventually('the suspension', async () => ((await handle.query(statusQuery)).status === 'suspended' ? true : undefined));
  const audit = await eventually('the suspension in the audit trail', () =>
    env.db.auditEntry.findFirst({ where: { contractId: reference, actor: manager.email } }).then((a) => a ?? undefined));
  expect(JSON.stringify(audit.detail)).toContain('Travaux de voirie');
  await desk.context().close();
});

it('refuses the form to a partner, and the actions to a buyer', async () => {
  const partner = await person(env.db, 'partner', 'clermont', { partnerId: 'plie' });
  const page = await signIn(browser, env.url, partner.token);
  expect((await page.goto(`${env.url}/contrats/nouveau`))?.status()).toBe(403);
  await page.context().close();
  const other = await signIn(browser, env.url, buyer.token);
  const res = await other.request.post(`${env.url}/contrats/X-1/actions/suspension`, { form: { reason: 'Pour voir si je peux' } });
  expect(res.status()).toBe(403);
  await other.context().close();
});
