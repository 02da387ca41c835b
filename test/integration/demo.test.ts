/**
 * `npm run demo` (issue 16): both collectivities' portfolios through the product's doors (Kafka events, answer
 * signals), contracts in every phase with open and answered questions, a partner invited to a kickoff,
 * two past years of figures; run twice, nothing doubles; its sign-in links work once. A database of its own: the demo
 * stores a policy version (its demo SIRET) that every later cycle of these collectivities would pin.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { POLICIES_DIR } from '../../activities/policy';
import { createKafka, topics } from '../../lib/kafka';
import { createProducer } from '../../lib/kafka-producer';
import { createLogger } from '../../lib/logger';
import { loadDemo } from '../../load/demo';
import { freshDatabase } from '../../prisma/fresh-database';
import { createConsumerApp } from '../../workers/consumer';
import { accessibilityProblems } from '../support/accessibility';
import { launchBrowser } from '../support/browser';
import { testConfig, uniqueId } from '../support/env';
import { eventually } from '../support/eventually';
import { webEnv } from '../support/web-env';

let env: Awaited<ReturnType<typeof webEnv>>;
let consumer: Awaited<ReturnType<typeof createConsumerApp>>;
let browser: Browser;
const prefix = uniqueId('DEMO').toUpperCase();

beforeAll(async () => {
  const url = new URL(testConfig().databaseUrl);
  url.pathname = `${url.pathname}_demo`;
  await freshDatabase(url.toString());
  [env, browser] = await Promise.all([webEnv({ databaseUrl: url.toString(), topicPrefix: `${uniqueId('demo')}.` }), launchBrowser()]);
  consumer = await createConsumerApp(env.config, createLogger('test', 'silent'), { taskQueue: env.taskQueue, groupId: uniqueId('group') });
  void consumer.start();
}, 120_000);

afterAll(async () => {
  await consumer?.stop();
  await browser?.close();
  await env?.teardown();
});

async function load() {
  const logger = createLogger('test', 'silent');
  const producer = createProducer(createKafka(env.config.kafka, logger), logger);
  await producer.connect();
  try {
    return await loadDemo({
      db: env.db, temporal: env.temporal, producer, contractEventsTopic: topics(env.config.kafka.topicPrefix).contractEvents,
      publicUrl: env.url, policiesDir: POLICIES_DIR, say: () => undefined, prefix,
    });
  } finally {
    await producer.disconnect();
  }
}

const counts = async () => ({
  contracts: await env.db.contract.count(), tasks: await env.db.task.count(), mails: await env.db.notification.count(),
  indicators: await env.db.indicatorEvent.count(), users: await env.db.user.count(),
});

it('loads contracts in every phase through the product’s doors, then adds nothing the second time', async () => {
  const first = await load();
  expect(first.registered).toBe(14);
  const phases = new Set((await env.db.contract.findMany({ select: { phase: true } })).map((c) => c.phase));
  expect([...phases].sort()).toEqual(expect.arrayContaining(['closure', 'consultation', 'execution', 'kickoff', 'programming']));
  expect(await env.db.task.count({ where: { status: 'open' } })).toBeGreaterThan(10);
  expect(await env.db.task.count({ where: { status: 'answered' } })).toBeGreaterThan(20);
  // Overdue without moving the clock: the execution story's yearly review, opened months after its anniversary.
  for (const c of ['CLERMONT', 'DIJON']) {
    const late = await env.db.task.findMany({ where: { contractId: `${prefix}-${c}-03`, status: 'open', dueAt: { lt: new Date() } } });
    expect(late.map((t) => t.kind), c).toContain('annual-review');
  }
  expect(await env.db.notification.count({ where: { kind: 'partner-kickoff' } })).toBeGreaterThanOrEqual(2);
  for (const year of [2024, 2025]) expect(await env.db.indicatorEvent.count({ where: { year } }), String(year)).toBeGreaterThan(0);
  // The demo SIRET makes the DECP export possible.
  const decp = await env.db.contract.findFirstOrThrow({ where: { id: `${prefix}-CLERMONT-01` } });
  expect(decp.policyVersion).toBe('2026.1-demo');

  const before = await counts();
  const second = await load();
  expect(second.registered).toBe(0);
  expect(await counts()).toEqual(before);

  // Links for a buyer, a manager and a partner of each collectivity; each works once.
  expect(second.links.map((l) => `${l.collectivity.split(' ')[0]}:${l.role}`).sort()).toEqual(
    ['Clermont:buyer', 'Clermont:manager', 'Clermont:partner', 'Dijon:buyer', 'Dijon:manager', 'Dijon:partner']);
  const buyerLink = second.links.find((l) => l.role === 'buyer' && l.collectivity.startsWith('Clermont'))!.url;
  const page = await (await browser.newContext()).newPage();
  await page.goto(buyerLink);
  expect(new URL(page.url()).pathname).toBe('/taches');
  expect(await page.locator('#taches tbody tr').count()).toBeGreaterThan(0);
  expect(await page.locator('#taches .badge.late').count()).toBeGreaterThan(0);
  await page.context().close();
  const again = await (await browser.newContext()).newPage();
  expect((await again.goto(buyerLink))?.status()).toBe(403);
  await again.context().close();
}, 600_000);

it('the insertion partner sees only its contracts and reports a year’s hours; the task closes with it as the one who answered, counted once', async () => {
  const { links } = await load();
  const link = links.find((l) => l.role === 'partner' && l.collectivity.startsWith('Dijon'))!;
  const partner = await (await browser.newContext()).newPage();
  await partner.goto(link.url);
  expect(new URL(partner.url()).pathname).toBe('/partenaire');
  expect(await accessibilityProblems(partner)).toEqual([]);
  const listed = await partner.locator('#insertion tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.contract));
  expect(listed).toContain(`${prefix}-DIJON-03`);
  // Only its collectivity's contracts, and only those it follows (linked to CREATIV'21).
  const followed = await env.db.contractPartner.findMany({ where: { partnerId: 'creativ21', collectivityId: 'dijon' }, select: { contractId: true } });
  expect(listed.every((id) => followed.some((f) => f.contractId === id))).toBe(true);

  const execution = `${prefix}-DIJON-03`;
  await partner.locator(`tr[data-contract="${execution}"]`).getByRole('link', { name: 'déclarer les heures' }).click();
  await partner.getByLabel('Nombre d’heures d’insertion').fill('350');
  await partner.getByRole('button', { name: 'Envoyer la réponse' }).click();
  expect(await partner.locator('h1').textContent()).toBe('Réponse enregistrée');
  const email = (await env.db.user.findUniqueOrThrow({ where: { email: 'partenaire.demo@dijon.test' } })).email;
  const task = await eventually('the hours task closed', () => env.db.task.findFirst({ where: { contractId: execution, kind: 'insertion-hours', status: 'answered' } }).then((t) => t ?? undefined));
  expect(task).toMatchObject({ answeredBy: email, answer: { hours: 350 } });
  const counted = await eventually('the hours counted', () => env.db.indicatorEvent.findMany({ where: { contractId: execution, indicator: 'insertion-hours' } }).then((e) => (e.length ? e : undefined)));
  expect(counted.map((e) => Number(e.value))).toEqual([350]);
  const csv = await partner.request.get(`${env.url}/partenaire/heures.csv`);
  expect(await csv.text()).toContain(`${execution};`);
  await partner.context().close();
}, 300_000);

it('from the demo’s links: a buyer answers, a manager registers a contract and suspends another, an administrator adds a person and publishes a policy', async () => {
  const { links } = await load();
  const link = (role: string) => links.find((l) => l.role === role && l.collectivity.startsWith('Dijon'))!.url;

  const buyer = await (await browser.newContext()).newPage();
  await buyer.goto(link('buyer'));
  await buyer.goto(`${env.url}/taches/${encodeURIComponent(`${prefix}-DIJON-06:c1:programming-questionnaire`)}`);
  for (const field of ['needConfirmed', 'circularEconomyTargeted', 'essPotential', 'smeAccessTargeted']) await buyer.locator(`input[name="${field}"][value="oui"]`).check();
  for (const field of ['innovation', 'lifeCycleAnalysis']) await buyer.locator(`input[name="${field}"][value="non"]`).check();
  await buyer.getByRole('button', { name: 'Envoyer la réponse' }).click();
  expect(await buyer.locator('h1').textContent()).toBe('Réponse enregistrée');
  await buyer.context().close();

  const manager = await (await browser.newContext()).newPage();
  await manager.goto(link('manager'));
  // Registers a contract through the form…
  await manager.goto(`${env.url}/contrats/nouveau`);
  const reference = `${prefix}-WEB`;
  await manager.getByLabel('Référence du marché').fill(reference);
  await manager.getByLabel('Objet du marché').fill('Location de véhicules électriques');
  await manager.getByLabel('Nature').selectOption('services');
  await manager.getByLabel('Code CPV principal').fill('34144900');
  await manager.getByLabel('Montant estimé (€ HT)').fill('90000');
  await manager.getByLabel('Procédure').selectOption('mapa');
  await manager.getByLabel('Nombre de lots').fill('0');
  await manager.getByLabel('Durée (mois)').fill('24');
  await manager.getByLabel('Date d’attribution prévue').fill('2028-01-15');
  await manager.getByRole('group', { name: 'Besoin récurrent (à renouveler) ?' }).getByLabel('Non').check();
  await manager.getByLabel('Service acheteur').fill('Parc automobile');
  await manager.getByRole('button', { name: 'Enregistrer le contrat' }).click();
  expect(await manager.locator('h1').textContent()).toBe('Contrat enregistré');
  // …suspends another…
  await manager.goto(`${env.url}/contrats/${prefix}-DIJON-03`);
  await manager.getByText('Agir sur le marché').click();
  const suspend = manager.locator('form', { has: manager.getByRole('heading', { name: 'Suspendre le marché' }) });
  await suspend.getByLabel('Motif').fill('Titulaire en redressement judiciaire');
  await suspend.getByRole('button', { name: 'Suspendre le marché' }).click();
  // …adds a person…
  await manager.goto(`${env.url}/administration/personnes/nouvelle`);
  await manager.getByLabel(/^Nom/).fill('Alex Durand');
  await manager.getByLabel('Adresse électronique').fill(`alex.durand.${prefix.toLowerCase()}@dijon.test`);
  await manager.getByLabel(/^Rôle/).selectOption('buyer');
  await manager.getByRole('button', { name: 'Ouvrir le compte' }).click();
  expect(await manager.getByLabel('Jeton').inputValue()).toMatch(/^spaser_/);
  // …and publishes a policy version.
  await manager.goto(`${env.url}/politique`);
  const yaml = readFileSync(join(POLICIES_DIR, 'dijon.yaml'), 'utf8').replace(/^version: '2026\.1'$/m, "version: '2026.2'");
  await manager.getByLabel(/^Fichier YAML/).setInputFiles({ name: 'dijon.yaml', mimeType: 'text/yaml', buffer: Buffer.from(yaml) });
  await manager.getByRole('button', { name: 'Publier' }).click();
  expect(await manager.getByRole('status').textContent()).toContain('Version 2026.2 publiée');
  await manager.context().close();

  await eventually('the registered contract', () => env.db.contract.findUnique({ where: { id: reference } }).then((c) => c ?? undefined));
  await eventually('the suspension', () => env.db.contract.findFirst({ where: { id: `${prefix}-DIJON-03`, status: 'suspended' } }).then((c) => c ?? undefined));
}, 300_000);
