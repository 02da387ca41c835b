import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { contractWorkflowId } from '../../domain/contract';
import { addMonths, isoDay } from '../../domain/dates';
import { createDb, type Db } from '../../lib/db';
import { createKafka, topics } from '../../lib/kafka';
import { createProducer, type EventProducer } from '../../lib/kafka-producer';
import { createLogger } from '../../lib/logger';
import { waitUntil } from '../../stack/process';
import { kafkaService } from '../../stack/services/kafka';
import { createConsumerApp } from '../../workers/consumer';
import { createRelayApp } from '../../workers/relay';
import { createWorkerApp } from '../../workers/worker';
import { answerTaskSignal, statusQuery } from '../../workflows/contract-lifecycle';
import { testConfig, uniqueId } from '../support/env';
import { eventually as eventuallyWithin } from '../support/eventually';
import { readTopic } from '../support/topic-reader';

// A broker restart takes seconds: wait longer than elsewhere.
const eventually = <T>(what: string, probe: () => Promise<T | undefined>) => eventuallyWithin(what, probe, 60_000);

// A broker of its own (other ports, its own data), so stopping it does not disturb the other test files.
const base = testConfig();
const config = {
  ...base,
  stackDir: mkdtempSync(join(tmpdir(), 'spaser-broker-')),
  kafka: { ...base.kafka, brokers: ['127.0.0.1:19392'], controllerPort: 19393, topicPrefix: 'restart.' },
};
const names = topics(config.kafka.topicPrefix);
const broker = kafkaService(config);
const logger = createLogger('test', 'silent');
const taskQueue = uniqueId('restart');
const groupId = uniqueId('restart-group');
let apps: { stop(): Promise<void> }[] = [];
let consumer: Awaited<ReturnType<typeof createConsumerApp>>;
let client: Client;
let db: Db;
let producer: EventProducer;

async function brokerUp(): Promise<void> {
  await broker.start();
  await waitUntil('kafka (test)', () => broker.healthy(), 90_000);
}

beforeAll(async () => {
  await broker.prepare();
  await brokerUp();
  const worker = await createWorkerApp(config, logger, { workflowBundlePath: inject('workflowBundlePath'), taskQueue });
  const relay = await createRelayApp(config, logger);
  consumer = await createConsumerApp(config, logger, { taskQueue, groupId });
  for (const app of [worker, relay, consumer]) void app.start();
  apps = [relay, worker];
  client = new Client({ connection: await Connection.connect({ address: config.temporal.address }), namespace: config.temporal.namespace });
  db = createDb(config.databaseUrl);
  producer = createProducer(createKafka(config.kafka, logger), logger);
  await producer.connect();
}, 180_000);

afterAll(async () => {
  await producer?.disconnect().catch(() => undefined);
  await consumer?.stop().catch(() => undefined);
  for (const app of apps) await app.stop().catch(() => undefined);
  await client?.connection.close();
  await db?.$disconnect();
  await broker.stop();
  rmSync(config.stackDir, { recursive: true, force: true });
}, 60_000);

const example = (type: string, contractId: string, patch: Record<string, unknown> = {}) => ({
  ...JSON.parse(readFileSync(new URL(`../../schemas/examples/${type}.v1.json`, import.meta.url), 'utf8')),
  eventId: uniqueId('evt'), contractId, ...patch,
});

it('loses nothing when the broker stops mid-stream and comes back; a restarted consumer does not reprocess', { timeout: 240_000 }, async () => {
  const id = uniqueId('BR');
  const registration = example('contract.registered', id);
  registration.payload.plannedAwardDate = addMonths(isoDay(Date.now()), 12);
  await producer.send({ topic: names.contractEvents, messages: [{ key: id, value: JSON.stringify(registration) }] });
  const handle = client.workflow.getHandle(contractWorkflowId(id));
  const task = await eventually('the first question', async () => (await handle.query(statusQuery)).openTasks[0]);

  await broker.stop();
  // Broker down: the workflow goes on, and its outbound events wait in the outbox.
  await handle.signal(answerTaskSignal, {
    taskId: task.id, by: 'alix.petit@dijon.test', answer: { needConfirmed: true, circularEconomyTargeted: false, essPotential: false, smeAccessTargeted: false, innovation: false, lifeCycleAnalysis: false },
  });
  await eventually('the sourcing question', async () => ((await handle.query(statusQuery)).openTasks[0]?.kind === 'sourcing' ? true : undefined));
  // The query can show the sourcing question before its activity has written the outbox row: wait on the rows.
  // With the broker down none can be published, so both (answered, sourcing opened) must come to wait here.
  await eventually('two events waiting in the outbox', async () =>
    ((await db.outboxMessage.count({ where: { key: id, publishedAt: null } })) >= 2 ? true : undefined));

  await brokerUp();
  await producer.send({ topic: names.contractEvents, messages: [{ key: id, value: JSON.stringify(example('contract.amended', id)) }] });
  await eventually('the amendment', async () => ((await db.auditEntry.count({ where: { contractId: id, action: 'contract.amended' } })) === 1 ? true : undefined));
  await eventually('the outbox drained', async () => ((await db.outboxMessage.count({ where: { key: id, publishedAt: null } })) === 0 ? true : undefined));
  const published = await readTopic(createKafka(config.kafka, logger), names.taskEvents, (m) => m.key === id, 3);
  expect(published.map((m) => JSON.parse(m.value).type)).toEqual(['task.opened', 'task.answered', 'task.opened']);

  // A new consumer in the same group starts from the committed offsets: nothing is applied twice.
  await consumer.stop();
  consumer = await createConsumerApp(config, logger, { taskQueue, groupId });
  void consumer.start();
  await producer.send({ topic: names.contractEvents, messages: [{ key: id, value: JSON.stringify(example('bids.received', id)) }] });
  await eventually('the sentinel', async () => ((await db.auditEntry.count({ where: { contractId: id, action: 'contract.noted' } })) === 1 ? true : undefined));
  expect(await db.auditEntry.count({ where: { contractId: id, action: 'contract.amended' } })).toBe(1);
  expect(await db.auditEntry.count({ where: { contractId: id, action: 'contract.registered' } })).toBe(1);
});
