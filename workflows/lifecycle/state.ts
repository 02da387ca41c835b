import type { Decisions } from '../../domain/rules';
import type { ContractRecord, TaskRecord } from '../../domain/records';
import type { KickoffState } from '../../domain/kickoff';
import type { Policy } from '../../domain/policy';

/** A valid answer the workflow took (workflows/lifecycle/intake.ts), from a person or from an event. */
export interface ReceivedAnswer {
  answer: unknown;
  by: string;
  at: string;
  via: 'person' | 'event';
}

export interface OpenTask extends TaskRecord {
  /** Set by the intake once validated; the task's own coroutine records it. */
  received?: ReceivedAnswer;
  /** When it was opened; its follow-up counts from here when it opens late. Absent before 'task-due-anchored'. */
  openedAt?: string;
  /** Asked of the insertion partner first: who is asked instead if it has not answered by the due date. */
  reassignTo?: string;
}

export interface HistoryItem {
  at: string;
  actor: string;
  action: string;
  summary: string;
}

/** Everything a contract's workflow carries from one run to the next (continue-as-new). */
export interface LifecycleState {
  contract: ContractRecord;
  policy: Policy;
  decisions: Decisions;
  tasks: Record<string, OpenTask>;
  /** Execution years already reviewed. */
  yearsReviewed: number;
  /** Sequence of records written, for deterministic ids across runs. */
  seq: number;
  history: HistoryItem[];
  /** Ids of the contract events already applied (idempotence); the most recent ones only. */
  seenEvents: string[];
  nextCycleStarted: boolean;
  /** Bumped by every event that changes dates or suspension, so waits re-evaluate. */
  revision: number;
  ended?: { status: 'terminated' | 'unsuccessful'; reason: string; at: string };
  /** The contract row exists: events must not write records before it. */
  registered?: boolean;
  /** Valid answers that arrived before their task opened, by task id (the first one wins). */
  early?: Record<string, ReceivedAnswer>;
  /** Ids of this cycle's tasks already closed: a late answer to one of them is ignored, not kept. */
  closedTasks?: string[];
  /** Before `early`: answers kept by task key (kind, or kind:y<year>); moved to `early` when a run starts. */
  prefilled?: Record<string, Omit<ReceivedAnswer, 'via'>>;
  /** Answer and event signals taken since the contract's workflow started, across runs. */
  signalsTaken?: number;
  /** Held labels already re-checked (`name@validUntil`): a renewed label, with its new date, is checked again. */
  labelsRechecked?: string[];
  /** The contract entered at its award (notified before the product knew it): the earlier questions were never asked. */
  enteredAtAward?: boolean;
  /** The kickoff meeting's date as the buyer set it, and its calendar invitation (lifecycle/kickoff.ts). */
  kickoff?: KickoffState;
  /** When the current calendar wait ends (programming date, anniversary, end date); for people and tests. */
  sleepingUntil?: string;
}

export const HISTORY_KEPT = 200;
export const EVENTS_REMEMBERED = 1000;

