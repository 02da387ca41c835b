import { days } from './dates';
import type { Policy } from './policy';

export type TaskAction = 'remind' | 'escalate' | 'give-up';

export interface TaskTimeline {
  dueAt: number;
  /** What happens, and when, if nobody answers: reminders from the due date, one escalation, then giving up. */
  steps: { at: number; action: TaskAction }[];
}

/**
 * Delays are the policy's, counted from the due date (tasks.escalateAfterDays after the due date, ...). The due date is
 * `dueDays` after opening unless the step has its own (`dueOn`). A question opened after its due date is late from the
 * start: its follow-up counts from the opening instead, and its opening mail stands for the first reminder.
 */
export function taskTimeline(openedAt: number, delays: Policy['tasks'], dueOn?: number): TaskTimeline {
  const dueAt = dueOn ?? openedAt + days(delays.dueDays);
  const from = Math.max(dueAt, openedAt);
  const escalateAt = from + days(delays.escalateAfterDays);
  const giveUpAt = from + days(delays.giveUpAfterDays);
  const steps: TaskTimeline['steps'] = [];
  for (let at = from; at < escalateAt; at += days(delays.reminderEveryDays)) if (at > openedAt) steps.push({ at, action: 'remind' });
  steps.push({ at: escalateAt, action: 'escalate' });
  steps.push({ at: Math.max(giveUpAt, escalateAt + 1), action: 'give-up' });
  return { dueAt, steps };
}
