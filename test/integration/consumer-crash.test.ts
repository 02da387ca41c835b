import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addMonths, isoDay } from '../../domain/dates';
import { contractWorkflowId } from '../../domain/contract';
import { ContractEventConsumer } from '../../events/contract-event-consumer';
import { createKafka, ensureTopics, topics } from '../../lib/kafka';
import { createProducer, type EventProducer } from '../../lib/kafka-producer';
import { createLogger } from '../../lib/logger';
import { testConfig, uniqueId } from '../support/env';
import { eventually } from '../support/eventually';

// kafkajs stops a consumer for good on an error it deems unrecoverable (a TypeError, some protocol errors), and the
// process lives on without consuming. Here the first lookup of the known collectivities throws a TypeError: the
// consumer must start again by itself and hand the registration to Temporal (a real broker, a real server; the
// task queue has no worker, so the workflow is only started).
const config = testConfig();
const names = topics(`${uniqueId('crash')}.`);
const logger = createLogger('test', 'silent');
const kafka = createKafka(config.kafka, logger);
const accepted: string[] = [];
let lookups = 0;
let client: Client;
let consumer: ContractEventConsumer;
let producer: EventProducer;

beforeAll(async () => {
  await ensureTopics(kafka, [names.contractEvents, names.contractEventsDeadLetters]);
  client = new Client({ connection: await Connection.connect({ address: config.temporal.address }), namespace: config.temporal.namespace });
  consumer = new ContractEventConsumer(kafka, client, logger, {
    topic: names.contractEvents, deadLetterTopic: names.contractEventsDeadLetters, groupId: uniqueId('group'), taskQueue: uniqueId('no-worker'),
    collectivities: async () => {
      if (lookups++ === 0) throw new TypeError('panne provoquée par le test');
      return ['clermont'];
    },
    onAccepted: (m) => accepted.push(m.key!.toString()),
  });
  await consumer.connect();
  await consumer.run();
  producer = createProducer(kafka, logger);
  await producer.connect();
});

afterAll(async () => {
  await Promise.allSettled([consumer?.stop(), producer?.disconnect()]);
  await client?.connection.close();
});

it('starts a new consumer after a crash kafkajs does not restart from, and the event still reaches Temporal', async () => {
  const id = uniqueId('KX');
  const example = JSON.parse(readFileSync(new URL('../../schemas/examples/contract.registered.v1.json', import.meta.url), 'utf8'));
  const registration = { ...example, eventId: uniqueId('evt'), contractId: id, collectivity: 'clermont', payload: { ...example.payload, plannedAwardDate: addMonths(isoDay(Date.now()), 12) } };
  await producer.send({ topic: names.contractEvents, messages: [{ key: id, value: JSON.stringify(registration) }] });

  await eventually('the registration accepted', async () => (accepted.includes(id) ? true : undefined), 60_000);
  expect(lookups).toBeGreaterThanOrEqual(2);
  const { status } = await client.workflow.getHandle(contractWorkflowId(id)).describe();
  expect(status.name).toBe('RUNNING');
  await client.workflow.getHandle(contractWorkflowId(id)).terminate('fin du test');
});
