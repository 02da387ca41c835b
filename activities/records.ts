import type { Transition } from '../domain/records';
import type { Db } from '../lib/db';
import { writeTransition } from './record-sql';

export interface RecordDeps {
  db: Db;
  /** Where the outbox relay publishes what a transition records. */
  outboxTopics: { indicatorEvents: string; taskEvents: string };
}

/**
 * Persists a workflow transition in one transaction, outbox included; every row has a deterministic id, so a retry
 * is a no-op.
 */
export function createRecordActivities({ db, outboxTopics }: RecordDeps) {
  return {
    async recordTransition(t: Transition): Promise<void> {
      await writeTransition(db, t, outboxMessages(t, outboxTopics));
    },
  };
}

/** What the outside world hears of a transition: indicator events, and task events (opened, answered, ...). */
function outboxMessages(t: Transition, topics: RecordDeps['outboxTopics']) {
  const envelope = { collectivity: t.collectivityId, contractId: t.contractId, policyVersion: t.policyVersion };
  const indicators = t.indicators.map((e) => ({
    id: `out:${e.id}`, topic: topics.indicatorEvents, key: t.contractId,
    value: { eventId: e.id, type: 'indicator.recorded', ...envelope, ...e },
  }));
  const tasks = t.audit
    .filter((a) => a.action.startsWith('task.'))
    .map((a) => ({
      id: `out:${a.id}`, topic: topics.taskEvents, key: t.contractId,
      value: { eventId: a.id, type: a.action, ...envelope, at: a.at, actor: a.actor, ...a.detail },
    }));
  return [...indicators, ...tasks];
}

export type RecordActivities = ReturnType<typeof createRecordActivities>;
