/**
 * Imports (issue 17) against the real stack: a 500-row programme with 5 bad rows, the official DECP example, a people
 * file. Each through the dry run, then the apply step, then again to show that nothing doubles. Contracts go through
 * Kafka, the consumer and their workflows, as any registration.
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { POLICIES_DIR, readPolicy } from '../../activities/policy';
import { contractWorkflowId } from '../../domain/contract';
import { addMonths, isoDay } from '../../domain/dates';
import type { Policy } from '../../domain/policy';
import { runImport, type ImportLine, type ImportOptions } from '../../imports/run';
import { createDb, type Db } from '../../lib/db';
import { createKafka, topics } from '../../lib/kafka';
import { createProducer, type EventProducer } from '../../lib/kafka-producer';
import { createLogger } from '../../lib/logger';
import { createConsumerApp } from '../../workers/consumer';
import { createWorkerApp } from '../../workers/worker';
import { statusQuery } from '../../workflows/contract-lifecycle';
import { testConfig, uniqueId } from '../support/env';
import { eventually } from '../support/eventually';

const base = testConfig();
const config = { ...base, kafka: { ...base.kafka, topicPrefix: `${uniqueId('imports')}.` } };
const logger = createLogger('test', 'silent');
const taskQueue = uniqueId('imports');
let apps: { stop(): Promise<void> }[] = [];
let client: Client;
let db: Db;
let producer: EventProducer;
let clermont: Policy;
let dijon: Policy;

beforeAll(async () => {
  const worker = await createWorkerApp(config, logger, { workflowBundlePath: inject('workflowBundlePath'), taskQueue });
  const consumer = await createConsumerApp(config, logger, { taskQueue, groupId: uniqueId('group') });
  void worker.start();
  void consumer.start();
  apps = [consumer, worker];
  client = new Client({ connection: await Connection.connect({ address: config.temporal.address }), namespace: config.temporal.namespace });
  db = createDb(config.databaseUrl);
  producer = createProducer(createKafka(config.kafka, logger), logger);
  await producer.connect();
  [clermont, dijon] = await Promise.all([readPolicy(POLICIES_DIR, 'clermont'), readPolicy(POLICIES_DIR, 'dijon')]);
});

afterAll(async () => {
  await producer?.disconnect();
  for (const app of apps) await app.stop();
  await client?.connection.close();
  await db?.$disconnect();
});

async function run(o: Omit<ImportOptions, 'actor'>) {
  const lines: ImportLine[] = [];
  const summary = await runImport({ db, producer, contractEventsTopic: topics(config.kafka.topicPrefix).contractEvents }, { actor: 'test', ...o }, (l) => lines.push(l));
  return { summary, lines };
}

const HEADER = 'Référence;Objet;Nature;Code CPV;Montant estimé (HT);Procédure;Lots;Durée (mois);Date prévisionnelle d’attribution;Récurrent;Service acheteur;Acheteur (nom);Acheteur (courriel)';
/** Row n's defect, as a spreadsheet would carry it, and the column the report must name. */
const BAD: Record<number, [string, string]> = {
  37: ['Code CPV', '9091'],
  120: ['Montant estimé (HT)', 'environ 40 000'],
  251: ['Procédure', 'Gré à gré'],
  333: ['Date prévisionnelle d’attribution', '31/02/2029'],
  499: ['Acheteur (courriel)', 'camille.martin'],
};

/** 500 programme rows in a French Excel CSV export; rows of BAD carry their defect. */
function programme(ref: string): string {
  const lines = [HEADER];
  for (let n = 1; n <= 500; n++) {
    const cells: Record<string, string> = {
      'Code CPV': '90910000', 'Montant estimé (HT)': `${n} 250,50`, Procédure: n % 2 ? 'MAPA' : 'Appel d’offres ouvert',
      'Date prévisionnelle d’attribution': `15/${String((n % 12) + 1).padStart(2, '0')}/2029`, 'Acheteur (courriel)': 'camille.martin@clermont.test',
    };
    if (BAD[n]) cells[BAD[n]![0]] = BAD[n]![1];
    lines.push([`${ref}-${n}`, `Nettoyage du site n°${n}`, 'Services', cells['Code CPV'], cells['Montant estimé (HT)'], cells.Procédure, '0', '36',
      cells['Date prévisionnelle d’attribution'], n % 3 ? 'Non' : 'Oui', 'Bâtiments', 'Camille Martin', cells['Acheteur (courriel)']].join(';'));
  }
  return `\uFEFF${lines.join('\r\n')}`;
}

it('a 500-row programme with 5 bad rows: the dry run names them; applied, 495 workflows start; imported again, none', async () => {
  const ref = uniqueId('P');
  const file = programme(ref);
  const options = { kind: 'programmation' as const, open: () => Readable.from([Buffer.from(file)]), format: 'csv' as const, policy: clermont };

  const dry = await run({ ...options, apply: false });
  expect(dry.summary).toEqual({ counts: { create: 495, change: 0, same: 0, refuse: 5 }, applied: false });
  const refused = dry.lines.filter((l) => l.outcome === 'refuse');
  // The spreadsheet's line: the header is line 1, row n is line n + 1.
  expect(refused.map((l) => [l.at, l.issues!.map((i) => i.field)])).toEqual(Object.entries(BAD).map(([n, [column]]) => [`ligne ${Number(n) + 1}`, [column]]));
  expect(refused.every((l) => l.issues!.every((i) => /[a-zé]/.test(i.message)))).toBe(true);

  const held = await run({ ...options, apply: true });
  expect(held.summary).toMatchObject({ applied: false, held: expect.stringContaining('5 ligne(s) refusée(s)') });

  const applied = await run({ ...options, apply: true, goodRowsOnly: true });
  expect(applied.summary).toMatchObject({ applied: true, counts: { create: 495, refuse: 5 } });
  const mine = { id: { startsWith: `PROG-clermont-${ref}-` } };
  // 495 workflows start and write their row: minutes on a loaded two-core machine, seconds alone.
  await eventually('495 contracts registered', async () => ((await db.contract.count({ where: mine })) === 495 ? true : undefined), 240_000);
  const sample = await db.contract.findUniqueOrThrow({ where: { id: `PROG-clermont-${ref}-2` } });
  expect(sample).toMatchObject({ object: 'Nettoyage du site n°2', procedure: 'appel-offres', collectivityId: 'clermont', phase: 'programming' });
  expect(Number(sample.estimatedAmountHt)).toBe(2250.5);
  const status = await client.workflow.getHandle(contractWorkflowId(sample.id)).query(statusQuery);
  expect(status.history.map((h) => h.action)).toContain('contract.registered');

  const again = await run({ ...options, apply: true, goodRowsOnly: true });
  expect(again.summary).toEqual({ counts: { create: 0, change: 0, same: 495, refuse: 5 }, applied: true });
}, 300_000);

/** The official example of the DECP format, its ids made this run's own (workflow ids outlive a test database). */
function decpExample(suffix: string, modified = true): string {
  const file = JSON.parse(readFileSync(new URL('../unit/fixtures/decp/marches_avec_modifications.json', import.meta.url), 'utf8'));
  for (const m of file.marches.marche) {
    m.id = `${m.id}-${suffix}`;
    if (!modified) delete m.modifications;
  }
  return JSON.stringify(file);
}

it('the official DECP example: refused for another buyer, imported at its award with --tout-acheteur, once', async () => {
  const suffix = uniqueId('d');
  const options = { kind: 'decp' as const, open: () => Readable.from([Buffer.from(decpExample(suffix))]), format: 'json' as const, policy: dijon };

  const refused = await run({ ...options, apply: true, goodRowsOnly: true });
  expect(refused.summary.counts).toEqual({ create: 0, change: 0, same: 0, refuse: 2 });
  expect(refused.lines[0]!.issues).toEqual([{ field: 'acheteur.id', message: expect.stringContaining('--tout-acheteur') }]);

  const imported = await run({ ...options, apply: true, anyBuyer: true });
  expect(imported.summary).toEqual({ counts: { create: 2, change: 0, same: 0, refuse: 0 }, applied: true });
  // Its modification sets a new duration of 12 months ("Nouvelle durée en mois", schema 2.0.3): ended 2025-05-15.
  expect(imported.lines[0]!.note).toBe('terminé le 2025-05-15 : compté dans les indicateurs de 2024');
  const id = `DECP-21750001630066-TEST2022-${suffix}`;
  const closed = await eventually('the ended contract closed', () => db.contract.findFirst({ where: { id, phase: 'closure' } }).then((c) => c ?? undefined));
  expect(closed).toMatchObject({ supplierSiret: '55204599900869', status: 'closed', procedure: 'appel-offres', nature: 'works' });
  expect(closed.notifiedOn?.toISOString().slice(0, 10)).toBe('2024-05-15');
  const indicators = await db.indicatorEvent.findMany({ where: { contractId: id } });
  expect(new Set(indicators.filter((i) => i.indicator === 'social-considerations').map((i) => i.year))).toEqual(new Set([2024]));
  // Never asked the earlier questions, it is left out of the figures made of their answers, and of those needing
  // what the DECP does not say of the supplier (its size, its place).
  expect(indicators.map((i) => i.indicator)).not.toContain('formal-insertion-clause');
  expect(indicators.map((i) => i.indicator)).not.toContain('sme-share');
  expect(await db.task.count({ where: { contractId: id } })).toBe(0);

  const again = await run({ ...options, apply: true, anyBuyer: true });
  expect(again.summary.counts).toEqual({ create: 0, change: 0, same: 2, refuse: 0 });
});

it('a DECP contract still running: its award recorded, the past anniversaries skipped, the next review planned', async () => {
  const suffix = uniqueId('r');
  const options = { kind: 'decp' as const, open: () => Readable.from([Buffer.from(decpExample(suffix, false))]), format: 'json' as const, policy: dijon };
  const imported = await run({ ...options, apply: true, anyBuyer: true });
  expect(imported.lines[0]!.note).toBe('en cours jusqu’au 2028-05-15');
  const id = `DECP-21750001630066-TEST2022-${suffix}`;
  const handle = client.workflow.getHandle(contractWorkflowId(id));
  const status = await eventually('the next review planned', async () => {
    const s = await handle.query(statusQuery).catch(() => undefined);
    return s?.phase === 'execution' && s.sleepingUntil ? s : undefined;
  });
  // Notified 2024-05-15: the first anniversaries past at import are not asked about; the next one is.
  let next = '2025-05-15';
  while (next <= isoDay(Date.now())) next = addMonths(next, 12);
  expect(status.sleepingUntil!.slice(0, 10)).toBe(next);
  expect(status.openTasks).toEqual([]);
  expect(status.history.map((h) => h.action)).toEqual(expect.arrayContaining(['contract.registered', 'contract.entered-at-award']));
  const row = await eventually('the contract row', () => db.contract.findFirst({ where: { id, phase: 'execution' } }).then((c) => c ?? undefined));
  expect(Number(row.awardedAmountHt)).toBe(575000);
  const page = await db.contract.findMany({ where: { collectivityId: 'dijon', id: { contains: suffix } } });
  expect(page).toHaveLength(2);
});

it('people: the dry run names the bad rows; applied, accounts are opened and changed with an audit entry; again, nothing', async () => {
  const tag = uniqueId('p').toLowerCase();
  const csv = (role: string) => [
    'Courriel;Nom;Rôle;Partenaire',
    `lea.${tag}@dijon.test;Léa Martin;acheteur;`,
    `sam.${tag}@dijon.test;Sam Roy;${role};`,
    `creativ.${tag}@dijon.test;Inès Bel;partenaire;inconnu`,
    `pas-une-adresse;Jo Lin;responsable;`,
  ].join('\n');
  const options = (role: string) => ({ kind: 'personnes' as const, open: () => Readable.from([Buffer.from(csv(role))]), format: 'csv' as const, policy: dijon });

  const first = await run({ ...options('acheteur'), apply: true, goodRowsOnly: true });
  expect(first.summary.counts).toEqual({ create: 2, change: 0, same: 0, refuse: 2 });
  expect(first.lines.filter((l) => l.outcome === 'refuse').map((l) => [l.at, l.issues!.map((i) => i.field)])).toEqual([['ligne 4', ['Partenaire']], ['ligne 5', ['Courriel']]]);
  expect(await db.user.findUnique({ where: { email: `sam.${tag}@dijon.test` } })).toMatchObject({ role: 'buyer', collectivityId: 'dijon', name: 'Sam Roy' });

  const changed = await run({ ...options('responsable'), apply: true, goodRowsOnly: true });
  expect(changed.summary.counts).toEqual({ create: 0, change: 1, same: 1, refuse: 2 });
  expect(await db.user.findUnique({ where: { email: `sam.${tag}@dijon.test` } })).toMatchObject({ role: 'manager' });
  const audit = await db.adminAudit.findMany({ where: { collectivityId: 'dijon', actor: 'test', detail: { path: ['email'], equals: `sam.${tag}@dijon.test` } }, orderBy: { at: 'asc' } });
  expect(audit.map((a) => a.action)).toEqual(['person.added', 'person.changed']);

  const again = await run({ ...options('responsable'), apply: true, goodRowsOnly: true });
  expect(again.summary.counts).toEqual({ create: 0, change: 0, same: 2, refuse: 2 });
  // Another collectivity's file cannot take an address of Dijon's.
  const stolen = await run({ kind: 'personnes', open: () => Readable.from([Buffer.from(`Courriel;Nom;Rôle\nlea.${tag}@dijon.test;Léa Martin;responsable`)]), format: 'csv', policy: clermont, apply: true });
  expect(stolen.lines[0]).toMatchObject({ outcome: 'refuse', issues: [{ field: 'email', message: 'adresse déjà utilisée dans une autre collectivité' }] });
  expect(await db.user.findUnique({ where: { email: `lea.${tag}@dijon.test` } })).toMatchObject({ collectivityId: 'dijon', role: 'buyer' });
});
