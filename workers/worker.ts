/** The Temporal worker: runs the product's workflows and activities. `npm run worker`. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel } from '@temporalio/worker';
import { createActivities } from '../activities';
import { mailDeps } from '../activities/mail';
import { POLICIES_DIR } from '../activities/policy';
import { loadConfig, type Config } from '../lib/config';
import { createDb } from '../lib/db';
import { createKafka, ensureTopics, topics, topicSizing, untilKafkaAnswers } from '../lib/kafka';
import { createProducer } from '../lib/kafka-producer';
import { createLogger, type Logger } from '../lib/logger';
import { createMailer } from '../lib/mailer';
import { temporalConnectionOptions } from '../lib/temporal';
import { ProcessLifecycle } from './lifecycle';
import { startWorkflowThreadsWithoutWatchdog } from './sandbox';
import { appPath, COMPILED, isMain } from '../lib/paths';

export const WORKFLOWS_PATH = appPath('workflows', 'index.ts');
/** The workflows bundled by `npm run build`: compiled code runs them, the sources bundle theirs at start. */
export const BUILT_WORKFLOW_BUNDLE = appPath('dist', 'workflow-bundle.js');

/** Builds the worker and the clients its activities use; `stop()` drains it and closes them. */
export async function createWorkerApp(config: Config, logger: Logger, options: { workflowBundlePath?: string; taskQueue?: string } = {}) {
  const db = createDb(config.databaseUrl);
  const kafka = createKafka(config.kafka, logger);
  const topicNames = topics(config.kafka.topicPrefix);
  await untilKafkaAnswers('création des sujets', () => ensureTopics(kafka, Object.values(topicNames), topicSizing(config.kafka)), logger);
  const producer = createProducer(kafka, logger);
  const mailer = createMailer(config.smtp);
  const connection = await NativeConnection.connect(temporalConnectionOptions(config.temporal));
  await untilKafkaAnswers('connexion du producteur', () => producer.connect(), logger);

  const workflowBundlePath = options.workflowBundlePath ?? (COMPILED ? BUILT_WORKFLOW_BUNDLE : undefined);
  startWorkflowThreadsWithoutWatchdog();
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: options.taskQueue ?? config.temporal.taskQueue,
    maxCachedWorkflows: config.temporal.maxCachedWorkflows,
    ...(workflowBundlePath ? { workflowBundle: { codePath: workflowBundlePath } } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities({
      ...mailDeps(config, db, mailer), producer, topic: topicNames.systemChecks, policiesDir: POLICIES_DIR,
      outboxTopics: { indicatorEvents: topicNames.indicatorEvents, taskEvents: topicNames.taskEvents },
    }),
  });

  let running: Promise<void> | undefined;
  return {
    worker,
    start() {
      running = worker.run();
      logger.info({ taskQueue: worker.options.taskQueue }, 'worker started');
      return running;
    },
    async stop() {
      // Built but never run (a stop during start-up): run it only to shut it down, which releases its native
      // resources and so its connection; otherwise the process would not exit.
      if (worker.getState() === 'INITIALIZED') running = worker.runUntil(Promise.resolve());
      else if (worker.getState() === 'RUNNING') worker.shutdown();
      await running?.catch(() => undefined);
      await Promise.allSettled([producer.disconnect(), db.$disconnect(), connection.close()]);
      mailer.close();
      logger.info('worker stopped');
    },
  };
}

/** Bundles the workflows once into `dir` (tests, fault suite, or ahead of a deployment: WORKFLOW_BUNDLE_PATH). */
export async function writeWorkflowBundle(dir: string): Promise<string> {
  const quiet = () => undefined;
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH, logger: { trace: quiet, debug: quiet, info: quiet, warn: quiet, error: console.error, log: quiet },
  });
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'workflow-bundle.js');
  writeFileSync(path, code);
  return path;
}

/** Routes the Temporal SDK's own logs through our logger, once per process. */
export function installTemporalLogger(logger: Logger): void {
  const sdk = logger.child({ component: 'temporal' });
  const level = (process.env.TEMPORAL_LOG_LEVEL ?? 'WARN') as LogLevel;
  // The SDK's own metrics (task latencies, slots, sticky cache, polls) for Prometheus, when an address is given.
  const metrics = process.env.TEMPORAL_METRICS_ADDRESS;
  Runtime.install({
    // The process handles its own signals (workers/lifecycle.ts); the SDK's handler would swallow a SIGTERM.
    shutdownSignals: [],
    ...(metrics ? { telemetryOptions: { metrics: { prometheus: { bindAddress: metrics } } } } : {}),
    logger: new DefaultLogger(level, ({ level: l, message, meta }) => {
      const method = l === 'ERROR' ? 'error' : l === 'WARN' ? 'warn' : l === 'INFO' ? 'info' : 'debug';
      sdk[method](meta ?? {}, message);
    }),
  });
}

if (isMain('worker')) {
  const config = loadConfig();
  const logger = createLogger('worker', config.logLevel);
  const lifecycle = new ProcessLifecycle(logger);
  installTemporalLogger(logger);
  await lifecycle.run(async () => void (await lifecycle.add(() => createWorkerApp(config, logger, { workflowBundlePath: config.temporal.workflowBundlePath }))));
}
