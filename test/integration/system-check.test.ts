import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createDb, type Db } from '../../lib/db';
import { createKafka, topics } from '../../lib/kafka';
import { createLogger } from '../../lib/logger';
import { createWorkerApp } from '../../workers/worker';
import type { systemCheck } from '../../workflows/system-check';
import { testConfig, uniqueId } from '../support/env';
import { Mailbox } from '../../stack/mailbox';

const config = testConfig();
const logger = createLogger('test', 'warn');
const taskQueue = uniqueId('system-check');
let app: Awaited<ReturnType<typeof createWorkerApp>>;
let client: Client;
let db: Db;
let kafka: Kafka;

beforeAll(async () => {
  app = await createWorkerApp(config, logger, { workflowBundlePath: inject('workflowBundlePath'), taskQueue });
  void app.start();
  client = new Client({ connection: await Connection.connect({ address: config.temporal.address }), namespace: config.temporal.namespace });
  db = createDb(config.databaseUrl);
  kafka = createKafka(config.kafka, logger);
});

afterAll(async () => {
  await app?.stop();
  await client?.connection.close();
  await db?.$disconnect();
});

it('writes a row, publishes a Kafka message and sends a mail, each a real effect', async () => {
  const checkId = randomUUID();
  const recipient = `${checkId}@test.spaser`;
  const result = await client.workflow.execute<typeof systemCheck>('systemCheck', {
    taskQueue,
    workflowId: `system-check-${checkId}`,
    args: [{ checkId, recipient }],
  });

  // (a) the row, read back through Prisma
  const row = await db.systemCheck.findUnique({ where: { id: checkId } });
  expect(row?.createdAt.toISOString()).toBe(result.recordedAt);

  // (b) the message, consumed from the broker
  const topic = topics(config.kafka.topicPrefix).systemChecks;
  expect(result.event.topic).toBe(topic);
  const consumed = await consumeOne(kafka, topic, checkId);
  expect(JSON.parse(consumed)).toMatchObject({ type: 'system-check', checkId });

  // (c) the mail, received by the SMTP receiver
  const [mail] = await new Mailbox(config.mailApiUrl).waitFor((m) => m.To.some((t) => t.Address === recipient));
  expect(`<${mail?.MessageID}>`).toBe(result.messageId);
  expect(mail?.Subject).toContain(checkId);
});

async function consumeOne(kafka: Kafka, topic: string, key: string): Promise<string> {
  const consumer = kafka.consumer({ groupId: uniqueId('test-reader') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no message keyed ${key} on ${topic}`)), 20_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          if (message.key?.toString() === key) {
            clearTimeout(timer);
            resolve(message.value?.toString() ?? '');
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
}
