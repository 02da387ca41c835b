/**
 * Reproduces the SDK defect behind docs/upstream/query-splits-workflow-task.md on the Temporal CLI's dev server:
 *
 * 1. worker 1 runs the first workflow task (nine steps scheduled) and is SIGKILLed;
 * 2. a query is sent while no workflow task is pending: the server sends it to worker 1's sticky queue, then, after
 *    the sticky timeout, to the normal queue;
 * 3. meanwhile the three `a` steps complete: the next workflow task waits on the dead sticky queue;
 * 4. worker 2 (fresh) takes the query with a history that ends inside that pending task, answers it, and keeps the run;
 * 5. the six `b` steps complete; the pending task times out and worker 2 completes it.
 *
 * Worker 2 applied the `a` results in one activation and the `b` results in another; a replay applies all nine in one,
 * and fails. `--no-query` runs the same without step 2: the history replays.
 *
 * Developer tool, for the upstream report: `npx tsx faults/upstream/query-split.ts [--no-query]`. It uses sleeps to
 * line the race up; nothing in the test suite runs it.
 */
import { fork } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { loadConfig } from '../../lib/config';
import { temporalBinaries } from '../../stack/services/python-tools';

type History = temporal.api.history.v1.IHistory;
const WORKFLOW_QUEUE = 'query-split';
const STICKY_TIMEOUT = '10s';
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };
const workflowsPath = fileURLToPath(new URL('./query-split-workflow.ts', import.meta.url));

Runtime.install({ logger: new DefaultLogger('ERROR') });

async function workflowWorker(address: string): Promise<Worker> {
  return Worker.create({
    connection: await NativeConnection.connect({ address }),
    taskQueue: WORKFLOW_QUEUE,
    workflowBundle: await bundleWorkflowCode({ workflowsPath, logger: quiet }),
    stickyQueueScheduleToStartTimeout: STICKY_TIMEOUT,
  });
}

if (process.argv[2] === '--worker') {
  const worker = await workflowWorker(process.argv[3]!);
  process.send!('ready');
  await worker.run();
} else {
  await reproduce(!process.argv.includes('--no-query'));
}

async function reproduce(withQuery: boolean): Promise<void> {
  const env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: temporalBinaries(loadConfig().cacheDir).cli } } });
  const gates = new Map<string, PromiseWithResolvers<void>>();
  const gate = (name: string) => gates.get(name) ?? gates.set(name, Promise.withResolvers<void>()).get(name)!;
  const steps = await Worker.create({
    connection: env.nativeConnection, taskQueue: 'query-split-steps',
    activities: { step: async (name: string) => (name.endsWith('-next') ? name : (await gate(name).promise, name)) },
  });
  const stepsRun = steps.run();
  const first = fork(fileURLToPath(import.meta.url), ['--worker', env.address], { execArgv: process.execArgv });
  await new Promise((resolve) => first.once('message', resolve));

  const handle = await env.client.workflow.start('querySplit', { taskQueue: WORKFLOW_QUEUE, workflowId: `query-split-${Date.now()}` });
  const until = async (done: (h: History) => boolean) => {
    while (!done(await handle.fetchHistory())) await delay(20);
  };
  const count = (h: History, type: keyof temporal.api.history.v1.IHistoryEvent) => h.events!.filter((e) => e[type]).length;

  await until((h) => count(h, 'activityTaskScheduledEventAttributes') >= 9);
  first.kill('SIGKILL');
  const query = withQuery ? handle.query<string>('ping') : undefined;
  const second = await workflowWorker(env.address);
  const secondRun = second.run();
  await delay(3000); // the query is still waiting on the dead sticky queue
  for (const i of [0, 1, 2]) gate(`a${i}`).resolve();
  await until((h) => count(h, 'activityTaskCompletedEventAttributes') >= 3);
  if (query) console.log(`query answered: ${await query}`);
  for (const i of [0, 1, 2, 3, 4, 5]) gate(`b${i}`).resolve();
  await handle.result();

  const history = await handle.fetchHistory();
  const after = history.events!.filter((e) => e.activityTaskScheduledEventAttributes || e.timerStartedEventAttributes).slice(9);
  console.log(`commands after the nine steps: ${after.map((e) => (e.timerStartedEventAttributes ? 'timer' : 'activity')).join(' ')}`);
  second.shutdown();
  steps.shutdown();
  await Promise.all([secondRun, stepsRun]);
  try {
    await Worker.runReplayHistory({ workflowBundle: await bundleWorkflowCode({ workflowsPath, logger: quiet }) }, history, handle.workflowId);
    console.log('replay: ok');
  } catch (err) {
    console.log(`replay: FAILED, ${(err as Error).message.split('\n')[0]}`);
  }
  await env.teardown();
}
