/**
 * A contract's audit trail: the decisions recorded in the database (who answered what, when, under which policy
 * version) merged with what the Temporal history shows the engine did (timers, mails, signals, runs).
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { Db } from '../lib/db';

export interface TrailEntry {
  at: Date;
  source: 'décision' | 'moteur';
  actor: string;
  action: string;
  summary: string;
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export async function auditTrail(db: Db, temporal: Client, contract: { id: string; workflowId: string }): Promise<TrailEntry[]> {
  const [entries, engine] = await Promise.all([
    // Only what the trail shows, in one plain query (Prisma 6 compiles its queries on every call, and maps every column).
    db.$queryRaw<{ at: Date; actor: string; action: string; summary: string | null }[]>`
      SELECT at, actor, action, detail->>'summary' AS summary FROM audit_entries WHERE contract_id = ${contract.id} ORDER BY at, id`,
    engineEvents(temporal, contract.workflowId),
  ]);
  const decisions: TrailEntry[] = entries.map((e) => ({ at: e.at, source: 'décision', actor: e.actor, action: e.action, summary: e.summary ?? e.action }));
  return [...decisions, ...engine].sort((a, b) => a.at.getTime() - b.at.getTime());
}

interface RunEvents {
  entries: TrailEntry[];
  /** The run it continued (continue-as-new), if any. */
  previous?: string;
}

/**
 * Runs read from Temporal, by run id, with their length in events: a closed run never changes, and an open one only
 * grows, so a run read at the same length is the same. Kept as promises, so people opening the same contract at once
 * share one read; the least recently used are forgotten past `KEPT_RUNS`.
 */
const runs = new Map<string, { length: number; events: Promise<RunEvents & { closed: boolean }> }>();
const KEPT_RUNS = 1000;

/**
 * Every run of the workflow (continue-as-new makes one per execution year), oldest first: the latest run from a
 * describe, then back along the chain, each run its own history read once (a visibility query per page, as before,
 * cost more than the page's other reads together and grew with the namespace).
 */
async function engineEvents(temporal: Client, workflowId: string): Promise<TrailEntry[]> {
  let latest: { runId: string; historyLength: number };
  try {
    latest = await temporal.workflow.getHandle(workflowId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return []; // a contract recorded without its workflow (an import), or one purged
    throw err;
  }
  const chain: TrailEntry[][] = [];
  for (let runId: string | undefined = latest.runId, length: number | undefined = latest.historyLength; runId; length = undefined) {
    const { entries, previous }: RunEvents = await runEvents(temporal, workflowId, runId, length);
    chain.unshift(entries);
    runId = previous;
  }
  return chain.flat();
}

/** One run's entries: the latest run at its current length, an earlier one (closed) as it was read once closed. */
async function runEvents(temporal: Client, workflowId: string, runId: string, length?: number): Promise<RunEvents> {
  const kept = runs.get(runId);
  if (kept && (kept.length === length || (length === undefined && (await kept.events).closed))) {
    runs.delete(runId); // most recently used last
    runs.set(runId, kept);
    return kept.events;
  }
  const events = temporal.workflow.getHandle(workflowId, runId).fetchHistory().then(({ events }) => {
    const history = events ?? [];
    const last = history.at(-1);
    return {
      entries: describe(history),
      previous: history[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined,
      closed: !!(last?.workflowExecutionCompletedEventAttributes || last?.workflowExecutionContinuedAsNewEventAttributes || last?.workflowExecutionFailedEventAttributes
        || last?.workflowExecutionTerminatedEventAttributes || last?.workflowExecutionCanceledEventAttributes || last?.workflowExecutionTimedOutEventAttributes),
    };
  });
  events.catch(() => runs.delete(runId));
  runs.set(runId, { length: length ?? -1, events });
  if (runs.size > KEPT_RUNS) runs.delete(runs.keys().next().value!);
  return events;
}

function describe(events: HistoryEvent[]): TrailEntry[] {
  const scheduled = new Map<string, string>();
  const out: TrailEntry[] = [];
  for (const e of events) {
    const at = new Date(Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6));
    const add = (action: string, summary: string, actor = 'moteur') => out.push({ at, source: 'moteur', actor, action, summary });
    if (e.workflowExecutionStartedEventAttributes) add('workflow.started', `Suivi démarré (${e.workflowExecutionStartedEventAttributes.workflowType?.name})`);
    else if (e.activityTaskScheduledEventAttributes) scheduled.set(String(e.eventId), e.activityTaskScheduledEventAttributes.activityType?.name ?? '');
    else if (e.activityTaskCompletedEventAttributes) {
      const type = scheduled.get(String(e.activityTaskCompletedEventAttributes.scheduledEventId));
      if (type === 'deliverMail') add('mail.sent', 'Mail remis au serveur SMTP');
    } else if (e.activityTaskFailedEventAttributes || e.activityTaskTimedOutEventAttributes) {
      const id = (e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes)!.scheduledEventId;
      add('activity.failed', `Échec de ${scheduled.get(String(id))}, nouvelle tentative`);
    } else if (e.timerStartedEventAttributes) {
      const s = Number(e.timerStartedEventAttributes.startToFireTimeout?.seconds ?? 0);
      add('timer.started', `Attente jusqu’au ${new Date(at.getTime() + s * 1000).toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' })}`);
    } else if (e.timerFiredEventAttributes) add('timer.fired', 'Échéance atteinte');
    else if (e.workflowExecutionSignaledEventAttributes) {
      const { signalName, identity } = e.workflowExecutionSignaledEventAttributes;
      add('signal', signalName === 'answer' ? 'Réponse reçue par le suivi' : `Événement reçu (${signalName})`, identity ?? 'moteur');
    }
    else if (e.workflowExecutionUpdateAcceptedEventAttributes) add('update.accepted', 'Réponse acceptée par le suivi', e.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest?.meta?.identity ?? 'moteur');
    else if (e.workflowExecutionContinuedAsNewEventAttributes) add('workflow.continued', 'Nouvelle année d’exécution (historique renouvelé)');
    else if (e.workflowExecutionCompletedEventAttributes) add('workflow.completed', 'Suivi terminé');
    else if (e.workflowExecutionTerminatedEventAttributes) add('workflow.terminated', `Suivi arrêté : ${e.workflowExecutionTerminatedEventAttributes.reason ?? ''}`);
    else if (e.workflowExecutionFailedEventAttributes) add('workflow.failed', 'Suivi en échec');
  }
  return out;
}
