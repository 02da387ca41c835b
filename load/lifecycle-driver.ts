/**
 * Plays the people of a scripted contract: starts its lifecycle, then answers every question it asks through the
 * real `answer` signal, as the web app does, until the contract reaches closure.
 *
 * What the people see comes from the workflow's status query, or from the database as the inbox reads it (`readFrom`).
 * The fault suite reads the database: a query answered by a freshly restarted worker while a workflow task waits on
 * the dead worker's sticky queue splits that task's events in two activations, and the next replay fails
 * (docs/upstream/query-splits-workflow-task.md). The product itself never queries a workflow.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { contractWorkflowId } from '../domain/contract';
import type { CheckKind } from '../domain/policy';
import { answerTaskSignal, contractLifecycle, statusQuery } from '../workflows/contract-lifecycle';
import type { Db } from '../lib/db';
import type { ScriptedContract } from './scripted-contracts';

export interface DrivenLifecycle {
  workflowId: string;
  firstRunId: string;
  /** How many questions were open together at each answer round (the floor opens the same groups). */
  groups: number[];
  /** The phase the contract ended in, as the people last saw it. */
  phase: string;
}

/** What the people see of a contract: its phase and its open questions. */
interface ContractView {
  phase: string;
  openTasks: { id: string; kind: CheckKind }[];
}

export const POLL_MS = 100;
const RESEND_AFTER_MS = 60_000;

/** Polls quickly right after an answer, then backs off to once a second: people do not refresh faster. */
export function pollBackoff(): { wait(): Promise<void>; reset(): void } {
  let ms = POLL_MS;
  return {
    wait: async () => {
      await delay(ms);
      ms = Math.min(ms * 1.5, 1000);
    },
    reset: () => void (ms = POLL_MS),
  };
}

export interface DriveOptions {
  /** Start the workflow here (false: it is registered some other way, through Kafka). */
  start?: boolean;
  /** The answers given by hand; a question without one waits for an event to answer it. */
  answers?: Partial<Record<CheckKind, unknown>>;
  /** Retry queries and updates that fail while a part of the system is down. */
  tolerateFaults?: boolean;
  /** Give up (throw) when the contract has not closed by then. */
  timeoutMs?: number;
  /** Read the open questions from the database, as the inbox does, instead of querying the workflow. */
  readFrom?: Db;
}

/** The contract as its row and open task rows show it; undefined until the workflow has written it. */
async function viewFromDatabase(db: Db, contractId: string): Promise<ContractView | undefined> {
  const row = await db.contract.findUnique({ where: { id: contractId }, select: { phase: true, tasks: { where: { status: 'open' }, select: { id: true, kind: true } } } });
  return row ? { phase: row.phase, openTasks: row.tasks.map((t) => ({ id: t.id, kind: t.kind as CheckKind })) } : undefined;
}

export async function driveLifecycle(client: Client, taskQueue: string, c: ScriptedContract, options: DriveOptions = {}): Promise<DrivenLifecycle> {
  const { start = true, answers = c.answers, tolerateFaults = false, timeoutMs = 30 * 60_000, readFrom } = options;
  const workflowId = contractWorkflowId(c.facts.id);
  const started = start ? await client.workflow.start(contractLifecycle, { taskQueue, workflowId, args: [{ contract: c.facts }] }) : undefined;
  const handle = client.workflow.getHandle<typeof contractLifecycle>(workflowId);
  const groups: number[] = [];
  const sent = new Map<string, number>();
  const poll = pollBackoff();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`${c.facts.id} not closed after ${timeoutMs} ms`);
    let s: ContractView | undefined;
    try {
      s = readFrom ? await viewFromDatabase(readFrom, c.facts.id) : await handle.query(statusQuery);
    } catch (err) {
      if (!tolerateFaults && start) throw err;
      s = undefined; // not registered yet, or the worker or the database is restarting
    }
    if (!s) {
      await delay(500);
      continue;
    }
    if (s.phase === 'closure') {
      await handle.result().catch(() => undefined);
      return { workflowId, firstRunId: started?.firstExecutionRunId ?? '', groups, phase: s.phase };
    }
    // A signal is taken when the workflow next runs: until then the task still shows open, so it is not sent again
    // unless it stays open long after (the signal was lost with a fault).
    const mine = s.openTasks.filter((t) => t.kind in answers && Date.now() - (sent.get(t.id) ?? 0) > RESEND_AFTER_MS);
    if (!mine.length) {
      await poll.wait();
      continue;
    }
    poll.reset();
    groups.push(mine.length);
    await Promise.all(mine.map(async (t) => {
      try {
        await handle.signal(answerTaskSignal, { taskId: t.id, answer: answers[t.kind], by: c.facts.buyer.email });
        sent.set(t.id, Date.now());
      } catch (err) {
        if (!tolerateFaults) throw err; // Temporal unreachable for a moment: the next round sends it again
      }
    }));
  }
}
