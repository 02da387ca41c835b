/**
 * Worker memory with many open contract workflows: a worker process runs N lifecycles planned far enough ahead
 * that each, once registered, sleeps on its programming timer; then its resident memory is read from /proc.
 * The worker keeps `cachedWorkflows` of them in its sticky cache: each cached one
 * costs about 1.7 MiB (the SDK's own sizing assumes 600 per GiB of heap); the others are replayed when they wake.
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

export async function benchMemory(databaseUrl: string, temporal: Client, { workflows, cachedWorkflows }: { workflows: number; cachedWorkflows: number }) {
  const run = Date.now().toString(36);
  const taskQueue = `bench-mem-${run}`;
  const worker = WorkerProcess.spawn(WORKER, {
    WORKER_MAX_CACHED_WORKFLOWS: String(cachedWorkflows), DATABASE_URL: databaseUrl, TEMPORAL_NAMESPACE: 'spaser-bench', TEMPORAL_TASK_QUEUE: taskQueue,
  });
  const db = createDb(databaseUrl);
  try {
    await delay(3000);
    const idle = worker.rssMiB();
    const planned = addMonths(isoDay(Date.now()), 40); // programming starts at J-24 (Clermont): every workflow sleeps
    const t0 = Date.now();
    for (let i = 0; i < workflows; i += 200) {
      await Promise.all(Array.from({ length: Math.min(200, workflows - i) }, (_, j) => {
        const id = `MEM-${run}-${i + j}`;
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
    let registered = 0;
    while (registered < workflows) {
      await delay(2000);
      registered = await db.contract.count({ where: { id: { startsWith: `MEM-${run}-` } } });
    }
    const startedInMs = Date.now() - t0;
    await delay(2000);
    return { workflows, cachedWorkflows, idleRssMiB: idle, openRssMiB: worker.rssMiB(), registeredInS: Math.round(startedInMs / 1000) };
  } finally {
    await worker.stop();
    await db.$disconnect();
  }
}
