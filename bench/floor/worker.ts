/** The floor's worker: the product worker's settings, the floor workflow, a no-op activity. */
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { loadConfig } from '../../lib/config';
import { temporalConnectionOptions } from '../../lib/temporal';
import { startWorkflowThreadsWithoutWatchdog } from '../../workers/sandbox';

// Signals handled here, as in the product's worker: stopped, it exits (and `--cpu-prof` writes its profile).
Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
const config = loadConfig();
startWorkflowThreadsWithoutWatchdog(); // as the product's worker does
const connection = await NativeConnection.connect(temporalConnectionOptions(config.temporal));
const worker = await Worker.create({
  connection,
  namespace: config.temporal.namespace,
  taskQueue: config.temporal.taskQueue,
  maxCachedWorkflows: config.temporal.maxCachedWorkflows,
  workflowsPath: fileURLToPath(new URL('./workflow.ts', import.meta.url)),
  activities: { noop: async () => undefined },
});
process.once('SIGTERM', () => worker.shutdown());
await worker.run();
await connection.close();
