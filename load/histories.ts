/** What a workflow chain (a run and the runs it continued as) cost Temporal, counted from its histories. */
import type { Client } from '@temporalio/client';

export interface ChainCost {
  runs: number;
  workflowTasks: number;
  activities: number;
  timers: number;
  updates: number;
  signals: number;
  /** Workflow and activity tasks by the identity of the worker that ran them. */
  byWorker: Record<string, number>;
}

type History = Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>;

/** The histories of a chain's runs, first to last, following each continue-as-new. */
export async function* chainHistories(client: Client, workflowId: string, firstRunId: string): AsyncGenerator<History> {
  for (let runId: string | undefined = firstRunId; runId; ) {
    const history: History = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    yield history;
    runId = history.events?.find((e) => e.workflowExecutionContinuedAsNewEventAttributes)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
}

export async function chainCost(client: Client, workflowId: string, firstRunId: string): Promise<ChainCost> {
  const cost: ChainCost = { runs: 0, workflowTasks: 0, activities: 0, timers: 0, updates: 0, signals: 0, byWorker: {} };
  const byWorker = (identity?: string | null) => void (identity && (cost.byWorker[identity] = (cost.byWorker[identity] ?? 0) + 1));
  for await (const history of chainHistories(client, workflowId, firstRunId)) {
    cost.runs++;
    for (const e of history.events ?? []) {
      if (e.workflowTaskCompletedEventAttributes) cost.workflowTasks++;
      else if (e.workflowTaskStartedEventAttributes) byWorker(e.workflowTaskStartedEventAttributes.identity);
      else if (e.activityTaskScheduledEventAttributes) cost.activities++;
      else if (e.activityTaskStartedEventAttributes) byWorker(e.activityTaskStartedEventAttributes.identity);
      else if (e.timerStartedEventAttributes) cost.timers++;
      else if (e.workflowExecutionUpdateAcceptedEventAttributes) cost.updates++;
      else if (e.workflowExecutionSignaledEventAttributes) cost.signals++;
    }
  }
  return cost;
}

export function sumCosts(costs: ChainCost[]): ChainCost {
  const total: ChainCost = { runs: 0, workflowTasks: 0, activities: 0, timers: 0, updates: 0, signals: 0, byWorker: {} };
  for (const c of costs) {
    for (const k of ['runs', 'workflowTasks', 'activities', 'timers', 'updates', 'signals'] as const) total[k] += c[k];
    for (const [w, n] of Object.entries(c.byWorker)) total.byWorker[w] = (total.byWorker[w] ?? 0) + n;
  }
  return total;
}
