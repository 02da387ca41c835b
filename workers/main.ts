/**
 * `npm start`: the whole product on one machine. Brings the native stack up (unless SPASER_STACK=external),
 * applies migrations, then runs the product's processes in the foreground until Ctrl-C.
 */
import { loadConfig } from '../lib/config';
import { createLogger } from '../lib/logger';
import { applyMigrations } from '../prisma/migrate';
import { connectTemporal } from '../lib/temporal';
import { ensureDigestSchedule } from './digest-schedule';
import { firstRun } from './first-run';
import { stackUp } from '../stack/stack';
import { createConsumerApp } from './consumer';
import { runUntilSignal } from './lifecycle';
import { createRelayApp } from './relay';
import { createWebApp } from './web';
import { createWorkerApp, installTemporalLogger } from './worker';

const config = loadConfig();
const logger = createLogger('spaser', config.logLevel);

try {
  if (process.env.SPASER_STACK !== 'external') await stackUp(config, (line) => logger.info(line));
  const applied = await applyMigrations(config.databaseUrl);
  logger.info(applied.length ? `migrations appliquées : ${applied.join(', ')}` : 'base à jour');
  await firstRun(config, logger);
  const temporal = await connectTemporal(config.temporal);
  await ensureDigestSchedule(temporal, config.temporal.taskQueue).finally(() => temporal.connection.close());
  installTemporalLogger(logger);
  const worker = await createWorkerApp(config, logger.child({ process: 'worker' }));
  const consumer = await createConsumerApp(config, logger.child({ process: 'consumer' }));
  const relay = await createRelayApp(config, logger.child({ process: 'relay' }));
  const web = await createWebApp(config, logger.child({ process: 'web' }));
  logger.info(`Interface Temporal : http://127.0.0.1:${config.temporal.uiPort} — Ctrl-C pour arrêter.`);
  await runUntilSignal(logger, [worker, consumer, relay, web]);
} catch (err) {
  logger.fatal({ err }, 'démarrage impossible');
  process.exitCode = 1;
}
