/**
 * The one way an answer enters a contract's workflow, whoever sends it: a person (the `answer` signal) or a
 * procurement system (an event that carries an answer: award, supplier review, insertion hours).
 *
 * One rule for every source: the answer is validated against its check's schema, and the first valid answer for a
 * task wins, whether it came before or after the task opened. A later answer, an invalid one, or one for a task that
 * is already closed is ignored and the audit trail says why. So the same answers give the same decision in any order,
 * and a signal replayed before the activity result that opened its task (a worker that lost its cache) does what it
 * did the first time.
 */
import { parseAnswer } from '../../domain/answers';
import type { CheckKind } from '../../domain/policy';
import type { Lifecycle } from './context';
import type { LifecycleState, ReceivedAnswer } from './state';
import { parseTaskId, taskId } from './tasks';

/** An answer as sent, before validation. */
export interface AnswerSent {
  answer: unknown;
  by: string;
  via: ReceivedAnswer['via'];
}

/** Which task an answer is for, by kind (and execution year) in the contract's current cycle. */
export interface AnswerTarget {
  kind: CheckKind;
  year?: number;
}

/** A person's answer names its task by id; an id of another contract or cycle is refused. */
export function targetOfTaskId(lc: Lifecycle, id: string): AnswerTarget | undefined {
  const task = parseTaskId(id);
  if (task?.contractId !== lc.facts.id || task.cycle !== lc.state.contract.cycle) return undefined;
  return { kind: task.kind, ...(task.year ? { year: task.year } : {}) };
}

/** Takes an answer for `target`: fills its open task, or keeps it until the task opens. False when ignored. */
export function takeAnswer(lc: Lifecycle, target: AnswerTarget, sent: AnswerSent): boolean {
  const id = taskId(lc.facts.id, lc.state.contract.cycle, target.kind, target.year);
  const refusal = refuse(lc, id, target, sent.answer);
  if (refusal.reason) {
    lc.recorder.log(sent.by, 'answer.ignored', `Réponse ignorée : ${refusal.reason}`, { taskId: id, via: sent.via });
    return false;
  }
  const received: ReceivedAnswer = { answer: refusal.value, by: sent.by, at: new Date().toISOString(), via: sent.via };
  const open = lc.state.tasks[id];
  if (open) open.received = received;
  else (lc.state.early ??= {})[id] = received;
  return true;
}

/** A person's answer to a task id; an unknown id is ignored and logged. */
export function takeAnswerToTaskId(lc: Lifecycle, id: string, sent: AnswerSent): boolean {
  const target = targetOfTaskId(lc, id);
  if (target) return takeAnswer(lc, target, sent);
  lc.recorder.log(sent.by, 'answer.ignored', `Réponse ignorée : tâche inconnue ${id}`, { taskId: id, via: sent.via });
  return false;
}

/** The answer that waits for task `id`, taken off the waiting list (the task takes it as it opens). */
export function takeEarlyAnswer(lc: Lifecycle, id: string): ReceivedAnswer | undefined {
  const early = lc.state.early?.[id];
  if (early) delete lc.state.early![id];
  return early;
}

function refuse(lc: Lifecycle, id: string, target: AnswerTarget, answer: unknown): { reason?: string; value?: unknown } {
  if (lc.state.closedTasks?.includes(id)) return { reason: `tâche déjà close : ${id}` };
  if (lc.state.tasks[id]?.received || lc.state.early?.[id]) return { reason: `tâche déjà répondue : ${id}` };
  const parsed = parseAnswer(target.kind, answer, { contract: lc.facts, policy: lc.state.policy });
  if (!parsed.ok) return { reason: `Réponse invalide : ${parsed.error}` };
  return { value: parsed.value };
}

/** Early answers carried by continue-as-new from older code (`prefilled`, by kind and year) move to `early`. */
export function upgradeEarlyAnswers(state: LifecycleState): void {
  const { facts, cycle } = state.contract;
  for (const [key, received] of Object.entries(state.prefilled ?? {})) {
    const [kind, year] = key.split(':y') as [CheckKind, string | undefined];
    // Only the event path filled this map outside a replay race.
    (state.early ??= {})[taskId(facts.id, cycle, kind, year ? Number(year) : undefined)] ??= { ...received, via: 'event' };
  }
  delete state.prefilled;
}
