/** The outbox relay: publishes indicator and task events to Kafka. `npm run relay` (also part of `npm start`). */
import { OutboxRelay } from '../events/outbox-relay';
import { loadConfig, type Config } from '../lib/config';
import { createDb } from '../lib/db';
import { createKafka, ensureTopics, topics, topicSizing, untilKafkaAnswers } from '../lib/kafka';
import { createProducer } from '../lib/kafka-producer';
import { createLogger, type Logger } from '../lib/logger';
import { ProcessLifecycle } from './lifecycle';
import { isMain } from '../lib/paths';

export async function createRelayApp(config: Config, logger: Logger) {
  const kafka = createKafka(config.kafka, logger);
  const names = topics(config.kafka.topicPrefix);
  await untilKafkaAnswers('création des sujets', () => ensureTopics(kafka, [names.indicatorEvents, names.taskEvents], topicSizing(config.kafka)), logger);
  const db = createDb(config.databaseUrl, 2);
  const relay = new OutboxRelay(db, createProducer(kafka, logger), logger);
  await untilKafkaAnswers('connexion du relais', () => relay.connect(), logger);
  return {
    relay,
    start: () => relay.run(),
    async stop() {
      await relay.stop();
      await db.$disconnect();
      logger.info('relay stopped');
    },
  };
}

if (isMain('relay')) {
  const config = loadConfig();
  const logger = createLogger('relay', config.logLevel);
  const lifecycle = new ProcessLifecycle(logger);
  await lifecycle.run(async () => void (await lifecycle.add(() => createRelayApp(config, logger))));
}
