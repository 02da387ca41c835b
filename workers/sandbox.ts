/**
 * The SDK's workflow thread, started without Node's vm watchdog.
 *
 * The SDK calls into its workflow sandbox with a 5 s vm `timeout` (its deadlock detection), and for each such call Node
 * creates, then joins, a watchdog thread (nodejs/node#47739): about 0.2 ms of CPU per call, several calls per workflow
 * activation, a fifth of the worker's CPU in the bench. The SDK creates that thread with `worker_threads.Worker`; it is
 * created here with a preload (sandbox-preload.cjs) that drops the timeout.
 *
 * What is given up: a workflow stuck in a synchronous loop is no longer stopped after 5 s; it holds the workflow
 * thread, and every workflow of that worker waits (docs/operations.md, "Monitoring"). The workflows have no loop that
 * does not await.
 */
import { createRequire } from 'node:module';
import workerThreads from 'node:worker_threads';
import { appPath, COMPILED } from '../lib/paths';

/** Copied next to the bundles by `npm run build`. */
export const SANDBOX_PRELOAD = COMPILED ? appPath('dist', 'sandbox-preload.cjs') : appPath('workers', 'sandbox-preload.cjs');
const SDK_WORKFLOW_THREAD = /[\\/]@temporalio[\\/]worker[\\/]lib[\\/]workflow[\\/]workflow-worker-thread\.js$/;

let installed = false;

/** From now on, the SDK's workflow threads start with the preload; other threads start as they would. */
export function startWorkflowThreadsWithoutWatchdog(): void {
  if (installed) return;
  installed = true;
  const NodeWorker = workerThreads.Worker;
  workerThreads.Worker = class extends NodeWorker {
    constructor(filename: string | URL, options: workerThreads.WorkerOptions = {}) {
      const sandbox = SDK_WORKFLOW_THREAD.test(String(filename));
      super(filename, sandbox ? { ...options, execArgv: [...(options.execArgv ?? process.execArgv), '--require', SANDBOX_PRELOAD] } : options);
    }
  };
}

/** The same in this thread: replay workers (`Worker.runReplayHistories`) run their sandbox in the calling thread. */
export function runSandboxHereWithoutWatchdog(): void {
  createRequire(import.meta.url)(SANDBOX_PRELOAD);
}
