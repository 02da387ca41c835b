/**
 * Worker memory with many open contract workflows: a worker process runs lifecycles planned far enough ahead that each,
 * once registered, sleeps on its programming timer. The portfolio grows in steps (10,000, then 50,000); at each step,
 * once every workflow is registered, the worker's resident memory is sampled until it is steady.
 *
 * The worker keeps `cachedWorkflows` of them in its sticky cache (each cached one costs about 1.7 MiB: the SDK's and
 * the product's modules, evaluated for each workflow); the others are replayed when they wake. What the worker holds
 * should therefore depend on the cache, not on the number of open contracts: the growth between steps says whether it
 * does. The worker runs with `MALLOC_ARENA_MAX=2`, as in production (Dockerfile): see `arenas` below.
 */
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { contractWorkflowId } from '../domain/contract';
import { addMonths, isoDay } from '../domain/dates';
import { createDb } from '../lib/db';
import { WorkerProcess } from '../load/worker-process';
import { contractLifecycle } from '../workflows/contract-lifecycle';

const WORKER = fileURLToPath(new URL('../workers/worker.ts', import.meta.url));

export interface MemoryStep {
  open: number;
  registeredInS: number;
  /** Resident memory once steady (three samples 5 s apart within 1 %). */
  steadyRssMiB: number;
  /** The highest resident memory seen while registering this step. */
  peakRssMiB: number;
}

/**
 * `arenas`: glibc's malloc arenas for the worker (MALLOC_ARENA_MAX). Each thread that allocates may get its own arena,
 * up to eight per core, and freed memory stays in them; the SDK's core runs a pool of threads. Undefined: glibc's default.
 */
export async function benchMemory(
  databaseUrl: string, temporal: Client,
  { steps, cachedWorkflows, arenas }: { steps: number[]; cachedWorkflows: number; arenas?: number },
) {
  const run = Date.now().toString(36);
  const taskQueue = `bench-mem-${run}`;
  const worker = WorkerProcess.spawn(WORKER, {
    WORKER_MAX_CACHED_WORKFLOWS: String(cachedWorkflows), DATABASE_URL: databaseUrl, TEMPORAL_NAMESPACE: 'spaser-bench', TEMPORAL_TASK_QUEUE: taskQueue,
    ...(arenas ? { MALLOC_ARENA_MAX: String(arenas) } : {}),
  });
  const db = createDb(databaseUrl);
  try {
    const idleRssMiB = await steadyRss(worker);
    const planned = addMonths(isoDay(Date.now()), 40); // programming starts at J-24 (Clermont): every workflow sleeps
    const measured: MemoryStep[] = [];
    let started = 0;
    for (const open of steps) {
      const t0 = Date.now();
      worker.resetPeak();
      for (; started < open; started += 200) {
        await Promise.all(Array.from({ length: Math.min(200, open - started) }, (_, j) => {
          const id = `MEM-${run}-${started + j}`;
          return temporal.workflow.start(contractLifecycle, {
            taskQueue, workflowId: contractWorkflowId(id),
            args: [{ contract: {
              id, collectivityId: 'clermont', object: 'Marché de mesure mémoire', nature: 'services', cpv: '90910000', estimatedAmountHT: 200_000,
              procedure: 'appel-offres', lots: 0, durationMonths: 36, plannedAwardDate: planned, recurring: false, buyingService: 'Banc',
              buyer: { name: 'Banc', email: 'banc@bench.test' },
            } }],
          });
        }));
      }
      while ((await db.contract.count({ where: { id: { startsWith: `MEM-${run}-` } } })) < open) await delay(2000);
      const registeredInS = Math.round((Date.now() - t0) / 1000);
      const peakRssMiB = worker.peakRssMiB();
      measured.push({ open, registeredInS, steadyRssMiB: await steadyRss(worker), peakRssMiB });
    }
    return { cachedWorkflows, arenas: arenas ?? null, idleRssMiB, steps: measured };
  } finally {
    await worker.stop();
    await db.$disconnect();
  }
}

/** Samples every 5 s until three samples in a row are within 1 % of each other (at most two minutes). */
async function steadyRss(worker: WorkerProcess): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 24; i++) {
    await delay(5000);
    samples.push(worker.rssMiB());
    const last = samples.slice(-3);
    if (last.length === 3 && Math.max(...last) - Math.min(...last) <= Math.max(...last) * 0.01) break;
  }
  return samples.at(-1)!;
}
