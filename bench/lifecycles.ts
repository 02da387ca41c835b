/**
 * Full contract lifecycles per second on the real stack, beside the floor: the same portfolio's shape (questions,
 * activities, timers, runs) played by a bare workflow with no-op bodies. Workers run as their own processes, so
 * their CPU and resident memory are theirs alone; the last measure runs two product workers on one task queue.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import type { Config } from '../lib/config';
import { chainCost, sumCosts, type ChainCost } from '../load/histories';
import { driveLifecycle, pollBackoff, POLL_MS } from '../load/lifecycle-driver';
import { inPool } from '../load/pool';
import { scriptedContracts } from '../load/scripted-contracts';
import { waitForPollers, WorkerProcess } from '../load/worker-process';
import { floorAnswerSignal, floorLifecycle, floorOpenQuery, type FloorShape } from './floor/workflow';
import { BENCH_NAMESPACE } from './temporal';

const PRODUCT_WORKER = fileURLToPath(new URL('../workers/worker.ts', import.meta.url));
const FLOOR_WORKER = fileURLToPath(new URL('./floor/worker.ts', import.meta.url));

export interface LifecycleRun {
  contracts: number;
  workers: number;
  seconds: number;
  lifecyclesPerS: number;
  workflowTasksPerS: number;
  /** Worker CPU, in cores (1 = one core busy the whole run), summed over workers. */
  workerCpuCores: number;
  /** Worker CPU-seconds per lifecycle, summed over workers. */
  workerCpuSecondsPerLifecycle: number;
  workerPeakRssMiB: number[];
  cost: ChainCost;
  /** Share of the workflow and activity tasks each worker ran. */
  shares: number[];
}

interface Options {
  config: Config;
  temporal: Client;
  databaseUrl: string;
  concurrency?: number;
  /** Where the product and floor workers' CPU profiles go, one folder per measure (`--cpu-prof`). */
  cpuProfileDir?: string;
  /** Told after each measure (a long run shows where it is). */
  say?: (line: string) => void;
}

/** Plays one measure: starts the workers, drives every contract to its end, stops the workers, counts the cost. */
async function measure<C extends { workflowId: string; firstRunId: string }>(
  options: Options, label: string, script: string, workerCount: number,
  drive: (taskQueue: string) => Promise<C[]>,
): Promise<{ run: LifecycleRun; chains: C[]; costs: ChainCost[] }> {
  const { temporal, config, databaseUrl, say } = options;
  const taskQueue = `bench-${label}-${Date.now().toString(36)}`;
  const env = {
    DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: config.temporal.address, TEMPORAL_NAMESPACE: BENCH_NAMESPACE, TEMPORAL_TASK_QUEUE: taskQueue, KAFKA_TOPIC_PREFIX: config.kafka.topicPrefix,
  };
  // The product's workers and the floor's, so the profiles tell what the product's own code costs.
  const cpuProfileDir = /^(product|floor)-/.test(label) && options.cpuProfileDir ? join(options.cpuProfileDir, label) : undefined;
  const workers = Array.from({ length: workerCount }, () => WorkerProcess.spawn(script, env, { cpuProfileDir }));
  try {
    await waitForPollers(temporal, taskQueue, workerCount, workers.map((w) => w.identityPrefix()));
    await delay(1000);
    const cpu0 = workers.map((w) => w.cpuSeconds());
    workers.forEach((w) => w.resetPeak());
    const t0 = performance.now();
    const chains = await drive(taskQueue);
    const seconds = (performance.now() - t0) / 1000;
    const workerCpuCores = workers.reduce((sum, w, i) => sum + w.cpuSeconds() - cpu0[i]!, 0) / seconds;
    const workerPeakRssMiB = workers.map((w) => w.peakRssMiB());
    const costs = await inPool(chains, 16, (c) => chainCost(temporal, c.workflowId, c.firstRunId));
    const cost = sumCosts(costs);
    const tasks = Object.values(cost.byWorker).reduce((a, b) => a + b, 0);
    const shares = workers.map((w) => Object.entries(cost.byWorker).filter(([id]) => id.startsWith(w.identityPrefix())).reduce((s, [, n]) => s + n, 0) / tasks);
    const run: LifecycleRun = {
      contracts: chains.length, workers: workerCount, seconds: round(seconds), lifecyclesPerS: round(chains.length / seconds),
      workflowTasksPerS: round(cost.workflowTasks / seconds), workerCpuCores: round(workerCpuCores),
      workerCpuSecondsPerLifecycle: round((workerCpuCores * seconds) / chains.length), workerPeakRssMiB, cost, shares: shares.map(round),
    };
    say?.(`  ${label} : ${run.contracts} cycles de vie en ${run.seconds} s (${run.lifecyclesPerS}/s)`);
    return { run, chains, costs };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

export async function benchLifecycles(options: Options, { sizes = [100, 1000], twoWorkersAt = 1000 } = {}) {
  const { temporal } = options;
  const concurrency = options.concurrency ?? 50;
  const run = Date.now().toString(36);
  const results: { contracts: number; product: LifecycleRun; floor: LifecycleRun; ratio: number }[] = [];

  for (const size of sizes) {
    const contracts = scriptedContracts(size, { prefix: `BL-${run}-${size}` });
    const product = await measure(options, `product-${size}`, PRODUCT_WORKER, 1, (taskQueue) =>
      inPool(contracts, concurrency, (c) => driveLifecycle(temporal, taskQueue, c)),
    );
    const shapes = product.costs.map((cost, i): FloorShape => ({ groups: product.chains[i]!.groups, activities: cost.activities, timers: cost.timers, runs: cost.runs }));
    const { run: floor } = await measure(options, `floor-${size}`, FLOOR_WORKER, 1, (taskQueue) =>
      inPool(shapes, concurrency, (shape, i) => driveFloor(temporal, taskQueue, `BF-${run}-${size}-${i}`, shape)),
    );
    results.push({ contracts: size, product: product.run, floor, ratio: round(product.run.lifecyclesPerS / floor.lifecyclesPerS) });
  }

  // One worker then two on the same portfolio size, back to back, so the comparison shares its conditions.
  const workers = async (count: number) => {
    const contracts = scriptedContracts(twoWorkersAt, { prefix: `BL${count}W-${run}` });
    const measured = await measure(options, `workers-${count}`, PRODUCT_WORKER, count, (taskQueue) =>
      inPool(contracts, concurrency, (c) => driveLifecycle(temporal, taskQueue, c)),
    );
    return measured.run;
  };
  const oneWorker = await workers(1);
  const twoWorkers = await workers(2);
  return { concurrency, pollMs: POLL_MS, sizes: results, oneWorker, twoWorkers };
}

/** The floor's people: answer each open slot as soon as it opens. */
async function driveFloor(temporal: Client, taskQueue: string, workflowId: string, shape: FloorShape) {
  const started = await temporal.workflow.start(floorLifecycle, { taskQueue, workflowId, args: [shape] });
  const handle = temporal.workflow.getHandle<typeof floorLifecycle>(workflowId);
  const poll = pollBackoff();
  const sent = new Set<number>();
  for (;;) {
    const { open, done } = await handle.query(floorOpenQuery);
    if (done) break;
    const fresh = open.filter((slot) => !sent.has(slot));
    if (!fresh.length) {
      await poll.wait();
      continue;
    }
    poll.reset();
    await Promise.all(fresh.map((slot) => handle.signal(floorAnswerSignal, slot).then(() => sent.add(slot))));
  }
  await handle.result();
  return { workflowId, firstRunId: started.firstExecutionRunId };
}

const round = (n: number) => Math.round(n * 100) / 100;
