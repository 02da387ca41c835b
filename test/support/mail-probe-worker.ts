/** A worker in its own process, so a test can kill -9 it mid-send. Settings come from the environment. */
import { NativeConnection, Worker } from '@temporalio/worker';
import { createMailActivities, mailDeps } from '../../activities/mail';
import { createDb } from '../../lib/db';
import { createMailer } from '../../lib/mailer';
import { testConfig } from './env';

const config = testConfig();
const db = createDb(config.databaseUrl);
const worker = await Worker.create({
  connection: await NativeConnection.connect({ address: config.temporal.address }),
  namespace: config.temporal.namespace,
  taskQueue: process.env.PROBE_TASK_QUEUE!,
  workflowBundle: { codePath: process.env.PROBE_BUNDLE! },
  activities: createMailActivities(mailDeps(config, db, createMailer(config.smtp))),
});
console.log('ready');
await worker.run();
