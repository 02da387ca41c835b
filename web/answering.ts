/** Hands a person's answer to the contract's workflow (the `answer` signal), after checking it against its schema. */
import type { Client } from '@temporalio/client';
import { answerIssues, type AnswerContext } from '../domain/answers';
import type { ContractFacts } from '../domain/contract';
import { PolicySchema, type CheckKind } from '../domain/policy';
import type { Db } from '../lib/db';
import { answerTaskSignal } from '../workflows/contract-lifecycle';
import { fieldLabel } from './forms/labels';

export type AnswerOutcome =
  | { ok: true }
  | { ok: false; status: 400 | 409; message: string; fieldErrors: Record<string, string> };

export interface AnswerableTask {
  id: string;
  kind: string;
  status: string;
  contract: {
    workflowId: string;
    collectivityId: string;
    policyVersion: string;
    estimatedAmountHt: number | { toString(): string };
    durationMonths: number;
    procedure: string;
  };
}

/** Field errors keyed by the field's path (`supplier.siret`), in French; with the contract, its specific checks too. */
export function answerErrors(kind: CheckKind, answer: unknown, ctx?: AnswerContext): Record<string, string> | undefined {
  const result = answerIssues(kind, answer, ctx);
  if (result.ok) return undefined;
  const errors: Record<string, string> = {};
  for (const issue of result.issues) errors[issue.path || 'réponse'] ??= issue.message;
  return errors;
}

/** The contract's figures and the policy version it pinned, which the workflow checks the answer against too. */
export async function answerContext(db: Db, contract: AnswerableTask['contract']): Promise<AnswerContext | undefined> {
  const row = await db.policyVersion.findUnique({ where: { collectivityId_version: { collectivityId: contract.collectivityId, version: contract.policyVersion } } });
  const policy = row ? PolicySchema.safeParse(row.content) : undefined;
  if (!policy?.success) return undefined;
  const facts = {
    estimatedAmountHT: Number(String(contract.estimatedAmountHt)), durationMonths: contract.durationMonths,
    procedure: contract.procedure as ContractFacts['procedure'],
  };
  return { contract: facts, policy: policy.data };
}

export async function submitAnswer(temporal: Client, db: Db, task: AnswerableTask, answer: unknown, by: string): Promise<AnswerOutcome> {
  if (task.status !== 'open') return { ok: false, status: 409, message: 'Cette question a déjà reçu une réponse ou n’est plus ouverte.', fieldErrors: {} };
  const fieldErrors = answerErrors(task.kind as CheckKind, answer, await answerContext(db, task.contract));
  if (fieldErrors) {
    const message = Object.entries(fieldErrors).map(([f, m]) => `${fieldLabel(f)} (${f}) : ${m}`).join(' ; ');
    return { ok: false, status: 400, message: `Réponse invalide : ${message}`, fieldErrors };
  }
  // Checked here against the task's state and schema; should it have been answered meanwhile, the workflow ignores
  // this one and says so in the audit trail.
  await temporal.workflow.getHandle(task.contract.workflowId).signal(answerTaskSignal, { taskId: task.id, answer, by });
  return { ok: true };
}
