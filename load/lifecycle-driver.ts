/**
 * Plays the people of a scripted contract: starts its lifecycle, then answers every question it asks through the
 * real `answerTask` update, as the web app does, until the contract reaches closure.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { contractWorkflowId } from '../domain/contract';
import { answerTaskUpdate, contractLifecycle, statusQuery, type LifecycleStatus } from '../workflows/contract-lifecycle';
import type { ScriptedContract } from './scripted-contracts';

export interface DrivenLifecycle {
  workflowId: string;
  firstRunId: string;
  /** How many questions were open together at each answer round (the floor opens the same groups). */
  groups: number[];
  final: LifecycleStatus;
}

export const POLL_MS = 100;

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

export async function driveLifecycle(client: Client, taskQueue: string, c: ScriptedContract, { tolerateFaults = false } = {}): Promise<DrivenLifecycle> {
  const workflowId = contractWorkflowId(c.facts.id);
  const started = await client.workflow.start(contractLifecycle, { taskQueue, workflowId, args: [{ contract: c.facts }] });
  const handle = client.workflow.getHandle<typeof contractLifecycle>(workflowId);
  const groups: number[] = [];
  const poll = pollBackoff();
  for (;;) {
    let s: LifecycleStatus;
    try {
      s = await handle.query(statusQuery);
    } catch (err) {
      if (!tolerateFaults) throw err;
      await delay(500); // worker restarting: the query has no one to answer it yet
      continue;
    }
    if (s.phase === 'closure') {
      await handle.result().catch(() => undefined);
      return { workflowId, firstRunId: started.firstExecutionRunId, groups, final: s };
    }
    if (!s.openTasks.length) {
      await poll.wait();
      continue;
    }
    poll.reset();
    groups.push(s.openTasks.length);
    await Promise.all(s.openTasks.map(async (t) => {
      try {
        await handle.executeUpdate(answerTaskUpdate, { args: [{ taskId: t.id, answer: c.answers[t.kind], by: c.facts.buyer.email }] });
      } catch (err) {
        // Under faults an update may be cut off after it was accepted; the next round sees what stuck.
        if (!tolerateFaults) throw err;
      }
    }));
  }
}
