/** The Kafka consumer of contract events: `npm run consumer` (also part of `npm start`). */
import { fileURLToPath } from 'node:url';
import { knownCollectivities, POLICIES_DIR } from '../activities/policy';
import { ContractEventConsumer } from '../events/contract-event-consumer';
import { loadConfig, type Config } from '../lib/config';
import { createKafka, ensureTopics, topics, topicSizing } from '../lib/kafka';
import { createLogger, type Logger } from '../lib/logger';
import { connectTemporal } from '../lib/temporal';
import { runUntilSignal, stopLatch } from './lifecycle';

export async function createConsumerApp(config: Config, logger: Logger, options: { taskQueue?: string; groupId?: string } = {}) {
  const kafka = createKafka(config.kafka, logger);
  const names = topics(config.kafka.topicPrefix);
  await ensureTopics(kafka, [names.contractEvents, names.contractEventsDeadLetters], topicSizing(config.kafka));
  const client = await connectTemporal(config.temporal);
  const consumer = new ContractEventConsumer(kafka, client, logger, {
    topic: names.contractEvents,
    deadLetterTopic: names.contractEventsDeadLetters,
    groupId: options.groupId ?? `${config.kafka.clientId}-contract-events`,
    taskQueue: options.taskQueue ?? config.temporal.taskQueue,
    collectivities: () => knownCollectivities(POLICIES_DIR),
  });
  await consumer.connect();
  const latch = stopLatch();
  return {
    async start() {
      await consumer.run();
      logger.info({ topic: names.contractEvents }, 'consumer started');
      return latch.stopped;
    },
    async stop() {
      await consumer.stop();
      await client.connection.close();
      latch.release();
      logger.info('consumer stopped');
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const config = loadConfig();
  const logger = createLogger('consumer', config.logLevel);
  await runUntilSignal(logger, [await createConsumerApp(config, logger)]);
}
