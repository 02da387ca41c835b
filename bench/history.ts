/**
 * The history of a four-year contract (issue 20): one contract with four yearly reviews, driven from programming
 * to closure by the product worker as in production; then its histories, run by run (continue-as-new bounds each),
 * in events and bytes, and the time a worker takes to rebuild the largest run from its history (a replay: what
 * happens when a contract wakes up outside the worker's cache), p50 and p95 over `replays` replays.
 */
import type { Client } from '@temporalio/client';
import protos from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { addMonths, isoDay } from '../domain/dates';
import type { Config } from '../lib/config';
import { chainHistories } from '../load/histories';
import { driveLifecycle, type DrivenLifecycle } from '../load/lifecycle-driver';
import { scriptedContracts, type ScriptedContract } from '../load/scripted-contracts';
import { waitForPollers, WorkerProcess } from '../load/worker-process';
import { runSandboxHereWithoutWatchdog } from '../workers/sandbox';
import { writeWorkflowBundle } from '../workers/worker';
import { BENCH_NAMESPACE } from './temporal';

const proto = protos.temporal;
const PRODUCT_WORKER = new URL('../workers/worker.ts', import.meta.url).pathname;

export interface HistoryRun {
  events: number;
  bytes: number;
}

export interface HistoryBench {
  years: number;
  runs: HistoryRun[];
  totalEvents: number;
  totalBytes: number;
  replayMs: { p50: number; p95: number; max: number; replays: number; events: number };
}

/** A contract awarded four years and two months ago for 48 months: its four reviews and its closure are all due. */
export function fourYearContract(prefix: string, nowMs = Date.now()): ScriptedContract {
  const c = scriptedContracts(20, { prefix, seed: 3, nowMs }).find((s) => s.expected === 'closed')!;
  const award = c.answers['award-record'] as Extract<ScriptedContract['answers']['award-record'], { outcome: 'awarded' }>;
  const today = isoDay(nowMs);
  const start = addMonths(today, -50);
  return {
    ...c,
    facts: { ...c.facts, durationMonths: 48, plannedAwardDate: addMonths(today, -51) },
    answers: { ...c.answers, 'award-record': { ...award, notifiedOn: start, startDate: start, endDate: addMonths(start, 48) } },
  };
}

/** Drives `contract` to closure with a product worker of its own, in its own process, on its own task queue. */
export async function driveWithProductWorker(
  { temporal, config, databaseUrl }: { temporal: Client; config: Config; databaseUrl: string }, contract: ScriptedContract,
): Promise<DrivenLifecycle> {
  const taskQueue = `bench-driven-${Date.now().toString(36)}`;
  const worker = WorkerProcess.spawn(PRODUCT_WORKER, {
    DATABASE_URL: databaseUrl, TEMPORAL_NAMESPACE: BENCH_NAMESPACE, TEMPORAL_TASK_QUEUE: taskQueue, KAFKA_TOPIC_PREFIX: config.kafka.topicPrefix,
  });
  try {
    await waitForPollers(temporal, taskQueue, 1, [worker.identityPrefix()]);
    return await driveLifecycle(temporal, taskQueue, contract);
  } finally {
    await worker.stop();
  }
}

export async function benchHistory(
  { temporal, config, databaseUrl }: { temporal: Client; config: Config; databaseUrl: string },
  { replays = 50 } = {},
): Promise<HistoryBench> {
  const driven = await driveWithProductWorker({ temporal, config, databaseUrl }, fourYearContract(`BH-${Date.now().toString(36)}`));

  const histories: protos.temporal.api.history.v1.IHistory[] = [];
  for await (const history of chainHistories(temporal, driven.workflowId, driven.firstRunId)) histories.push(history);
  const runs = histories.map((h) => ({ events: h.events?.length ?? 0, bytes: proto.api.history.v1.History.encode(h).finish().length }));

  // The largest run, replayed again and again by one replay worker: the time between two results is one rebuild.
  const largest = histories[runs.indexOf(runs.reduce((a, b) => (b.events > a.events ? b : a)))]!;
  const codePath = await writeWorkflowBundle(`${config.stackDir}/bench-history`);
  const warmup = 5;
  const times: number[] = [];
  let last = performance.now();
  let n = 0;
  const inputs = (function* () {
    for (let i = 0; i < warmup + replays; i++) yield { workflowId: `${driven.workflowId}-replay-${i}`, history: largest };
  })();
  runSandboxHereWithoutWatchdog(); // a replay worker runs its sandbox here; the product's worker, in its thread
  for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath } }, inputs)) {
    if (result.error) throw result.error;
    const now = performance.now();
    if (n++ >= warmup) times.push(now - last);
    last = now;
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))]! * 10) / 10;
  return {
    years: 4,
    runs,
    totalEvents: runs.reduce((s, r) => s + r.events, 0),
    totalBytes: runs.reduce((s, r) => s + r.bytes, 0),
    replayMs: { p50: at(0.5), p95: at(0.95), max: at(1), replays: times.length, events: largest.events?.length ?? 0 },
  };
}
