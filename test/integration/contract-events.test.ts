import { readFileSync } from 'node:fs';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { contractWorkflowId } from '../../domain/contract';
import { addMonths, isoDay } from '../../domain/dates';
import { createDb, type Db } from '../../lib/db';
import { createKafka, topics } from '../../lib/kafka';
import { createProducer, type EventProducer } from '../../lib/kafka-producer';
import { createLogger } from '../../lib/logger';
import { createConsumerApp } from '../../workers/consumer';
import { createRelayApp } from '../../workers/relay';
import { createWorkerApp } from '../../workers/worker';
import { answerTaskSignal, statusQuery } from '../../workflows/contract-lifecycle';
import { testConfig, uniqueId } from '../support/env';
import { eventually } from '../support/eventually';
import { readTopic as readFrom, readTopicToEnd } from '../support/topic-reader';

const base = testConfig();
const config = { ...base, kafka: { ...base.kafka, topicPrefix: `${uniqueId('events')}.` } };
const names = topics(config.kafka.topicPrefix);
const logger = createLogger('test', 'silent');
const taskQueue = uniqueId('events');
let apps: { stop(): Promise<void> }[] = [];
let client: Client;
let db: Db;
let kafka: Kafka;
let producer: EventProducer;

beforeAll(async () => {
  const worker = await createWorkerApp(config, logger, { workflowBundlePath: inject('workflowBundlePath'), taskQueue });
  const consumer = await createConsumerApp(config, logger, { taskQueue, groupId: uniqueId('group') });
  // Two relays on one outbox: each row must still be published once.
  const relays = [await createRelayApp(config, logger), await createRelayApp(config, logger)];
  void worker.start();
  void consumer.start();
  for (const r of relays) void r.start();
  apps = [consumer, ...relays, worker];
  client = new Client({ connection: await Connection.connect({ address: config.temporal.address }), namespace: config.temporal.namespace });
  db = createDb(config.databaseUrl);
  kafka = createKafka(config.kafka, logger);
  producer = createProducer(kafka, logger);
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  for (const app of apps) await app.stop();
  await client?.connection.close();
  await db?.$disconnect();
});

/** An example event from schemas/examples, for a fresh contract, as one line of JSON. */
function event(type: string, contractId: string, patch: Record<string, unknown> = {}): Record<string, unknown> {
  const example = JSON.parse(readFileSync(new URL(`../../schemas/examples/${type}.v1.json`, import.meta.url), 'utf8'));
  return { ...example, eventId: uniqueId('evt'), contractId, ...patch };
}

const registration = (contractId: string) =>
  event('contract.registered', contractId, {
    payload: { ...event('contract.registered', contractId).payload as object, plannedAwardDate: addMonths(isoDay(Date.now()), 12) },
  });

/** As another system would: one line of JSON keyed by the contract, no header and no client of ours. */
async function produce(topic: string, key: string, value: object): Promise<void> {
  await producer.send({ topic, messages: [{ key, value: JSON.stringify(value) }] });
}

const audit = (contractId: string, action: string) => db.auditEntry.count({ where: { contractId, action } });

it('a plain JSON event produced by another system reaches the contract’s workflow', async () => {
  const id = uniqueId('KC');
  await produce(names.contractEvents, id, registration(id));
  const status = await eventually('the workflow', async () => {
    const s = await client.workflow.getHandle(contractWorkflowId(id)).query(statusQuery);
    return s.openTasks.length ? s : undefined;
  });
  expect(status.openTasks.map((t) => t.kind)).toEqual(['programming-questionnaire']);
  await produce(names.contractEvents, id, event('contract.amended', id, { payload: { amountHT: 260_000, reason: 'Avenant 1' } }));
  await eventually('the amendment', async () => ((await audit(id, 'contract.amended')) === 1 ? true : undefined));
});

it('publishes the resulting indicator event and task events on the outbound topics, once each', async () => {
  const id = uniqueId('OUT');
  await produce(names.contractEvents, id, registration(id));
  const handle = client.workflow.getHandle(contractWorkflowId(id));
  const answer = async (kind: string, value: unknown) => {
    const task = await eventually(kind, async () => (await handle.query(statusQuery)).openTasks.find((t) => t.kind === kind));
    await handle.signal(answerTaskSignal, { taskId: task.id, answer: value, by: 'alix.petit@dijon.test' });
    await eventually(`${kind} answered`, async () => ((await db.task.findUnique({ where: { id: task.id } }))?.status === 'answered' ? true : undefined));
  };
  await answer('programming-questionnaire', {
    needConfirmed: true, circularEconomyTargeted: false, essPotential: true, smeAccessTargeted: true, innovation: false, lifeCycleAnalysis: false,
  });
  await answer('sourcing', { sessionHeld: true, inclusiveOffersFound: false });

  const [indicator] = await readTopic(names.indicatorEvents, (m) => m.key === id, 1);
  expect(JSON.parse(indicator!.value)).toMatchObject({ type: 'indicator.recorded', indicator: 'sourcing-sessions', value: 1, collectivity: 'dijon', contractId: id });
  const tasks = await readTopic(names.taskEvents, (m) => m.key === id, 4);
  expect(tasks.map((m) => JSON.parse(m.value).type)).toEqual(['task.opened', 'task.answered', 'task.opened', 'task.answered']);
  // Once the outbox has no row left for the contract, the topic holds all that two relays will ever publish of it.
  await eventually('the outbox drained', async () => ((await db.outboxMessage.count({ where: { key: id, publishedAt: null } })) === 0 ? true : undefined));
  const all = await readTopicToEnd(kafka, names.taskEvents, (m) => m.key === id);
  expect(all.length).toBeGreaterThanOrEqual(4);
  expect(new Set(all.map((m) => JSON.parse(m.value).eventId)).size).toBe(all.length);
});

it('sends each kind of poison message to the dead-letter topic with its reason, and processes the valid ones around them', async () => {
  const id = uniqueId('PO');
  const amended = event('contract.amended', id, { payload: { reason: 'Avenant valide' } });
  const messages = [
    { key: id, value: JSON.stringify(registration(id)) },
    { key: id, value: '{ceci n’est pas du JSON', headers: { trace: 'p1' } },
    { key: id, value: JSON.stringify(event('contract.amended', id, { payload: { amountHT: 'beaucoup' } })) },
    { key: id, value: JSON.stringify(event('contract.amended', id, { type: 'contract.teleported' })) },
    { key: id, value: JSON.stringify(event('contract.amended', id, { version: 7 })) },
    { key: 'INCONNU-1', value: JSON.stringify(event('contract.suspended', 'INCONNU-1')) },
    { key: id, value: JSON.stringify(amended) },
  ];
  await producer.send({ topic: names.contractEvents, messages });

  await eventually('the valid amendment', async () => ((await audit(id, 'contract.amended')) === 1 ? true : undefined));
  const dead = await readTopic(names.contractEventsDeadLetters, (m) => m.key === id || m.key === 'INCONNU-1', 5);
  // Order holds per key (partition), not across keys.
  expect(dead.filter((m) => m.key === id).map((m) => m.reason)).toEqual([
    'le message n’est pas du JSON valide',
    expect.stringMatching(/^contenu invalide pour contract.amended : amountHT/),
    'type d’événement inconnu : contract.teleported',
    'version 7 inconnue pour contract.amended',
  ]);
  expect(dead.find((m) => m.key === 'INCONNU-1')?.reason).toBe('contrat inconnu ou clos : INCONNU-1 (contract.suspended)');
  expect(dead.find((m) => m.key === id)).toMatchObject({ value: '{ceci n’est pas du JSON', headers: { trace: 'p1', 'x-dlq-topic': names.contractEvents } });
});

it('dead-letters an event that claims another collectivity than its contract’s, and a registration for an unknown collectivity', async () => {
  const id = uniqueId('CB');
  const stranger = uniqueId('UK');
  await producer.send({ topic: names.contractEvents, messages: [
    { key: id, value: JSON.stringify(registration(id)) }, // a Dijon contract
    { key: id, value: JSON.stringify(event('contract.suspended', id, { collectivity: 'clermont' })) },
    { key: stranger, value: JSON.stringify(event('contract.registered', stranger, { collectivity: 'atlantis' })) },
    { key: id, value: JSON.stringify(event('contract.amended', id, { payload: { reason: 'Avenant de Dijon' } })) },
  ] });
  await eventually('the amendment after the refused suspension', async () => ((await audit(id, 'contract.amended')) === 1 ? true : undefined));
  const dead = await readTopic(names.contractEventsDeadLetters, (m) => m.key === id || m.key === stranger, 2);
  expect(Object.fromEntries(dead.map((m) => [m.key, m.reason]))).toEqual({
    [id]: `l’événement se réclame de « clermont », mais le contrat ${id} appartient à « dijon »`,
    [stranger]: 'collectivité inconnue : « atlantis » n’a pas de politique SPASER (connues : clermont, dijon)',
  });
  expect(await audit(id, 'contract.suspended')).toBe(0);
  expect((await client.workflow.getHandle(contractWorkflowId(id)).query(statusQuery)).status).toBe('active');
  await expect(client.workflow.getHandle(contractWorkflowId(stranger)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
});

it('changes nothing when the same events are produced twice', async () => {
  const id = uniqueId('DU');
  const events = [registration(id), event('contract.amended', id, { payload: { amountHT: 250_000 } }), event('consultation.published', id)];
  const batch = events.map((e) => ({ key: id, value: JSON.stringify(e) }));
  await producer.send({ topic: names.contractEvents, messages: batch });
  await producer.send({ topic: names.contractEvents, messages: batch });
  const sentinel = event('bids.received', id);
  await producer.send({ topic: names.contractEvents, messages: [{ key: id, value: JSON.stringify(sentinel) }] });
  await eventually('the sentinel', async () => ((await audit(id, 'contract.noted')) === 2 ? true : undefined));
  // Every signal taken (2 amendments, 2 publications, the sentinel) and every write done: writes of successive events
  // run as separate activities, so the sentinel's can land before an earlier event's.
  await eventually('the workflow settled', async () => {
    const s = await client.workflow.getHandle(contractWorkflowId(id)).query(statusQuery);
    return s.settled && s.signalsTaken >= 5 ? true : undefined;
  });
  expect(await audit(id, 'contract.amended')).toBe(1);
  expect(await audit(id, 'contract.registered')).toBe(1);
  const runs = await client.workflow.count(`WorkflowId = '${contractWorkflowId(id)}'`).catch(() => ({ count: 1 }));
  expect(runs.count).toBe(1);
});

const readTopic = (...args: Parameters<typeof readFrom> extends [unknown, ...infer R] ? R : never) => readFrom(kafka, ...args);
