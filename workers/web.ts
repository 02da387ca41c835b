/** The web application and HTTP API: `npm run web` (also part of `npm start`). */
import { loadConfig, type Config } from '../lib/config';
import { createDb } from '../lib/db';
import { createKafka, topics, untilKafkaAnswers } from '../lib/kafka';
import { createProducer } from '../lib/kafka-producer';
import { createLogger, type Logger } from '../lib/logger';
import { connectTemporal } from '../lib/temporal';
import { TaskLinks } from '../mail/links';
import { buildWebApp } from '../web/app';
import { ProcessLifecycle, stopLatch } from './lifecycle';
import { isMain } from '../lib/paths';

export async function createWebApp(config: Config, logger: Logger, port = config.webPort) {
  const kafka = createKafka(config.kafka, logger);
  const producer = createProducer(kafka, logger);
  await untilKafkaAnswers('connexion du producteur', () => producer.connect(), logger);
  const db = createDb(config.databaseUrl);
  const temporal = await connectTemporal(config.temporal, 'application web');
  const links = TaskLinks.fromConfig(config.web);
  const app = buildWebApp({ producer, contractEventsTopic: topics(config.kafka.topicPrefix).contractEvents, db, temporal, links, web: config.web, logger, kafka });
  const latch = stopLatch();
  return {
    app,
    async start() {
      await app.listen({ port, host: config.webHost });
      logger.info(`Application : ${config.web.publicUrl} · API : ${config.web.publicUrl}/api`);
      return latch.stopped;
    },
    async stop() {
      await app.close();
      await Promise.allSettled([producer.disconnect(), db.$disconnect(), temporal.connection.close()]);
      latch.release();
    },
  };
}

if (isMain('web')) {
  const config = loadConfig();
  const logger = createLogger('web', config.logLevel);
  const lifecycle = new ProcessLifecycle(logger);
  await lifecycle.run(async () => void (await lifecycle.add(() => createWebApp(config, logger))));
}
