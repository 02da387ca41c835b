/** The web application and HTTP API: `npm run web` (also part of `npm start`). */
import { fileURLToPath } from 'node:url';
import { loadConfig, type Config } from '../lib/config';
import { createKafka, producerOptions, topics } from '../lib/kafka';
import { createLogger, type Logger } from '../lib/logger';
import { buildWebApp } from '../web/app';
import { runUntilSignal, stopLatch } from './lifecycle';

export async function createWebApp(config: Config, logger: Logger, port = config.webPort) {
  const producer = createKafka(config.kafka, logger).producer(producerOptions);
  await producer.connect();
  const app = buildWebApp({ producer, contractEventsTopic: topics(config.kafka.topicPrefix).contractEvents });
  const latch = stopLatch();
  return {
    app,
    async start() {
      await app.listen({ port, host: '127.0.0.1' });
      logger.info(`API : http://127.0.0.1:${port}/api/evenements`);
      return latch.stopped;
    },
    async stop() {
      await app.close();
      await producer.disconnect();
      latch.release();
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const config = loadConfig();
  const logger = createLogger('web', config.logLevel);
  await runUntilSignal(logger, [await createWebApp(config, logger)]);
}
