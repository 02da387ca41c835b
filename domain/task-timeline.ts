import { days } from './dates';
import type { Policy } from './policy';

export type TaskAction = 'remind' | 'escalate' | 'give-up';

export interface TaskTimeline {
  dueAt: number;
  /** What happens, and when, if nobody answers: reminders from the due date, one escalation, then giving up. */
  steps: { at: number; action: TaskAction }[];
}

/** Delays are the policy's, counted from the due date (tasks.escalateAfterDays after the due date, ...). */
export function taskTimeline(openedAt: number, delays: Policy['tasks']): TaskTimeline {
  const dueAt = openedAt + days(delays.dueDays);
  const escalateAt = dueAt + days(delays.escalateAfterDays);
  const giveUpAt = dueAt + days(delays.giveUpAfterDays);
  const steps: TaskTimeline['steps'] = [];
  for (let at = dueAt; at < escalateAt; at += days(delays.reminderEveryDays)) steps.push({ at, action: 'remind' });
  steps.push({ at: escalateAt, action: 'escalate' });
  steps.push({ at: Math.max(giveUpAt, escalateAt + 1), action: 'give-up' });
  return { dueAt, steps };
}
