/**
 * `npm start`: the whole product on one machine. Brings the native stack up (unless SPASER_STACK=external),
 * applies migrations, then runs the product's processes in the foreground until Ctrl-C or SIGTERM, which may come
 * at any moment of the start-up too (workers/lifecycle.ts).
 */
import { loadConfig } from '../lib/config';
import { createLogger } from '../lib/logger';
import { connectTemporal } from '../lib/temporal';
import { applyMigrations } from '../prisma/migrate';
import { createConsumerApp } from './consumer';
import { ensureDigestSchedule } from './digest-schedule';
import { firstRun } from './first-run';
import { ProcessLifecycle } from './lifecycle';
import { createRelayApp } from './relay';
import { createWebApp } from './web';
import { createWorkerApp, installTemporalLogger } from './worker';

const config = loadConfig();
const logger = createLogger('spaser', config.logLevel);
const lifecycle = new ProcessLifecycle(logger);

await lifecycle.run(async () => {
  if (process.env.SPASER_STACK !== 'external') {
    // The development stack only: a production start leaves it out (and its modules unloaded).
    const { stackUp } = await import('../stack/stack');
    await lifecycle.step(() => stackUp(config, (line) => logger.info(line)));
  }
  const applied = await lifecycle.step(() => applyMigrations(config.databaseUrl));
  logger.info(applied.length ? `migrations appliquées : ${applied.join(', ')}` : 'base à jour');
  await lifecycle.step(() => firstRun(config, logger));
  await lifecycle.step(async () => {
    const temporal = await connectTemporal(config.temporal);
    await ensureDigestSchedule(temporal, config.temporal.taskQueue).finally(() => temporal.connection.close());
  });
  installTemporalLogger(logger);
  await lifecycle.add(() => createWorkerApp(config, logger.child({ process: 'worker' })));
  await lifecycle.add(() => createConsumerApp(config, logger.child({ process: 'consumer' })));
  await lifecycle.add(() => createRelayApp(config, logger.child({ process: 'relay' })));
  await lifecycle.add(() => createWebApp(config, logger.child({ process: 'web' })));
  logger.info(`Interface Temporal : http://127.0.0.1:${config.temporal.uiPort} — Ctrl-C pour arrêter.`);
});
