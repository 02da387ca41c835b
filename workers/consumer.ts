/** The Kafka consumer of contract events: `npm run consumer` (also part of `npm start`). */
import { knownCollectivities, POLICIES_DIR } from '../activities/policy';
import { ContractEventConsumer } from '../events/contract-event-consumer';
import { loadConfig, type Config } from '../lib/config';
import { createKafka, ensureTopics, topics, topicSizing, untilKafkaAnswers } from '../lib/kafka';
import { createLogger, type Logger } from '../lib/logger';
import { connectTemporal } from '../lib/temporal';
import { ProcessLifecycle, stopLatch } from './lifecycle';
import { isMain } from '../lib/paths';

export async function createConsumerApp(config: Config, logger: Logger, options: { taskQueue?: string; groupId?: string } = {}) {
  const kafka = createKafka(config.kafka, logger);
  const names = topics(config.kafka.topicPrefix);
  await untilKafkaAnswers('création des sujets', () => ensureTopics(kafka, [names.contractEvents, names.contractEventsDeadLetters], topicSizing(config.kafka)), logger);
  const client = await connectTemporal(config.temporal);
  const consumer = new ContractEventConsumer(kafka, client, logger, {
    topic: names.contractEvents,
    deadLetterTopic: names.contractEventsDeadLetters,
    groupId: options.groupId ?? `${config.kafka.clientId}-contract-events`,
    taskQueue: options.taskQueue ?? config.temporal.taskQueue,
    collectivities: () => knownCollectivities(POLICIES_DIR),
  });
  await untilKafkaAnswers('connexion du consommateur', () => consumer.connect(), logger);
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

if (isMain('consumer')) {
  const config = loadConfig();
  const logger = createLogger('consumer', config.logLevel);
  const lifecycle = new ProcessLifecycle(logger);
  await lifecycle.run(async () => void (await lifecycle.add(() => createConsumerApp(config, logger))));
}
