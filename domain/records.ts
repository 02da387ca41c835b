/** What one workflow transition writes, in one database transaction (activities/records.ts). */
import type { ContractFacts, RecordedSupplier } from './contract';
import type { IndicatorEvent } from './indicators';
import type { CheckKind, Phase } from './policy';

export type ContractStatus = 'active' | 'suspended' | 'closed' | 'terminated' | 'unsuccessful';
export type TaskStatus = 'open' | 'answered' | 'unanswered' | 'cancelled';

export interface AuditRecord {
  id: string;
  at: string;
  actor: string;
  action: string;
  detail: Record<string, unknown>;
}

export interface TaskRecord {
  id: string;
  kind: CheckKind;
  phase: Phase;
  year?: number;
  title: string;
  why: string;
  source: string;
  assigneeEmail: string;
  dueAt: string;
  status: TaskStatus;
  answer?: unknown;
  answeredBy?: string;
  answeredAt?: string;
  reminders: number;
  escalatedAt?: string;
}

export interface ContractRecord {
  facts: ContractFacts;
  cycle: number;
  phase: Phase;
  status: ContractStatus;
  awardedAmountHT?: number;
  notifiedOn?: string;
  startDate?: string;
  endDate?: string;
  supplier?: RecordedSupplier;
  considerations?: { social: string[]; environmental: string[] };
}

export type NotificationKind =
  | 'task-opened' | 'task-reminder' | 'task-escalation' | 'partner-kickoff' | 'partner-update' | 'partner-phase'
  /** The kickoff meeting in the attendees' calendars (iCalendar REQUEST, its update, its CANCEL): domain/kickoff.ts. */
  | 'kickoff-invitation' | 'kickoff-update' | 'kickoff-cancel';

/** A mail to send, recorded with the state change it comes from; sent once (deterministic id). */
export interface NotificationRecord {
  id: string;
  kind: NotificationKind;
  to: string[];
  cc?: string[];
  taskId?: string;
  /** For partner mails: the partner told, who may then read the contract. */
  partnerId?: string;
  data: Record<string, unknown>;
}

export interface Transition {
  contractId: string;
  collectivityId: string;
  policyVersion: string;
  workflowId: string;
  /** Stamped on the indicator events, for the report's breakdown by service. */
  buyingService: string;
  contract?: ContractRecord;
  tasks?: TaskRecord[];
  audit: AuditRecord[];
  indicators: (IndicatorEvent & { id: string; occurredAt: string })[];
  notifications: NotificationRecord[];
}
