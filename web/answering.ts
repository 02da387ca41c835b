/** Hands a person's answer to the contract's workflow (the `answer` signal), after checking it against its schema. */
import type { Client } from '@temporalio/client';
import { ANSWER_SCHEMAS } from '../domain/answers';
import type { CheckKind } from '../domain/policy';
import { answerTaskSignal } from '../workflows/contract-lifecycle';
import { fieldLabel } from './forms/labels';

export type AnswerOutcome =
  | { ok: true }
  | { ok: false; status: 400 | 409; message: string; fieldErrors: Record<string, string> };

export interface AnswerableTask {
  id: string;
  kind: string;
  status: string;
  contract: { workflowId: string };
}

/** Field errors keyed by the field's path (`supplier.siret`), in French. */
export function answerErrors(kind: CheckKind, answer: unknown): Record<string, string> | undefined {
  const result = ANSWER_SCHEMAS[kind].safeParse(answer);
  if (result.success) return undefined;
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) errors[issue.path.join('.') || 'réponse'] ??= issue.message;
  return errors;
}

export async function submitAnswer(temporal: Client, task: AnswerableTask, answer: unknown, by: string): Promise<AnswerOutcome> {
  if (task.status !== 'open') return { ok: false, status: 409, message: 'Cette question a déjà reçu une réponse ou n’est plus ouverte.', fieldErrors: {} };
  const fieldErrors = answerErrors(task.kind as CheckKind, answer);
  if (fieldErrors) {
    const message = Object.entries(fieldErrors).map(([f, m]) => `${fieldLabel(f)} (${f}) : ${m}`).join(' ; ');
    return { ok: false, status: 400, message: `Réponse invalide : ${message}`, fieldErrors };
  }
  // Checked here against the task's state and schema; should it have been answered meanwhile, the workflow ignores
  // this one and says so in the audit trail.
  await temporal.workflow.getHandle(task.contract.workflowId).signal(answerTaskSignal, { taskId: task.id, answer, by });
  return { ok: true };
}
