import { condition, patched } from '@temporalio/workflow';
import { parseAnswer, type Answers } from '../../domain/answers';
import { toMs } from '../../domain/dates';
import { CHECK_KINDS, type CheckKind } from '../../domain/policy';
import type { CheckSpec } from '../../domain/rules';
import { taskTimeline, type TaskAction } from '../../domain/task-timeline';
import type { Lifecycle } from './context';
import { takeEarlyAnswer } from './intake';
import type { OpenTask } from './state';

export type OnAnswer = <K extends CheckKind>(kind: K, answer: Answers[K], task: OpenTask) => void;

/** The deterministic id of a check: one per contract cycle, kind and execution year. */
export function taskId(contractId: string, cycle: number, kind: CheckKind, year?: number): string {
  return `${contractId}:c${cycle}:${kind}${year ? `:y${year}` : ''}`;
}

/** The parts of a `taskId`, or undefined for an id it did not make. */
export function parseTaskId(id: string): { contractId: string; cycle: number; kind: CheckKind; year?: number } | undefined {
  const m = /^(.+):c(\d+):([a-z0-9-]+?)(?::y(\d+))?$/.exec(id);
  if (!m || !CHECK_KINDS.includes(m[3] as CheckKind)) return undefined;
  return { contractId: m[1]!, cycle: Number(m[2]), kind: m[3] as CheckKind, ...(m[4] ? { year: Number(m[4]) } : {}) };
}

/** Opens the checks together and waits until each is answered, given up, or the contract ends. */
export async function runChecks(lc: Lifecycle, specs: CheckSpec[], onAnswer: OnAnswer, year?: number, dueOn?: string): Promise<void> {
  await Promise.all(specs.map((spec) => runCheck(lc, spec, onAnswer, year, dueOn)));
  lc.throwIfEnded();
}

async function runCheck(lc: Lifecycle, spec: CheckSpec, onAnswer: OnAnswer, year?: number, dueOn?: string): Promise<void> {
  const id = taskId(lc.facts.id, lc.state.contract.cycle, spec.kind, year);
  const task = lc.state.tasks[id] ?? (await openTask(lc, spec, id, year, dueOn));
  task.received ??= takeEarlyAnswer(lc, id);
  const timeline = task.openedAt
    ? taskTimeline(Date.parse(task.openedAt), lc.state.policy.tasks, Date.parse(task.dueAt))
    : taskTimeline(Date.parse(task.dueAt) - dueDelayMs(lc), lc.state.policy.tasks); // opened before 'task-due-anchored'
  for (const step of timeline.steps) {
    if (await waitForAnswer(lc, task, step.at)) break;
    if (step.action === 'give-up' && spec.required) {
      await condition(() => task.received !== undefined || !!lc.state.ended);
      break;
    }
    await act(lc, task, step.action);
    if (step.action === 'give-up') return;
  }
  if (lc.state.ended) return closeTask(lc, task, 'cancelled', 'Tâche annulée : fin du contrat');
  const { answer, by, at, via } = task.received!;
  Object.assign(task, { status: 'answered', answer, answeredBy: by, answeredAt: at });
  onAnswer(spec.kind, answer as never, task);
  forget(lc, task);
  await lc.recorder.task(task).log(by, 'task.answered', `Réponse : ${task.title}`, { taskId: id, answer, via }).flush();
}

/** A closed task leaves the open ones; its id stays known so a late answer is refused, not kept. */
function forget(lc: Lifecycle, task: OpenTask): void {
  delete lc.state.tasks[task.id];
  (lc.state.closedTasks ??= []).push(task.id);
  lc.refreshOverdue();
}

const dueDelayMs = (lc: Lifecycle) => lc.state.policy.tasks.dueDays * 86_400_000;

/**
 * Due `dueDays` after opening, or on `dueOn` when the step has its own deadline (the SPASER's J-14, a review's
 * anniversary), even one already past: a question opened late is overdue from the start.
 */
async function openTask(lc: Lifecycle, spec: CheckSpec, id: string, year?: number, dueOn?: string): Promise<OpenTask> {
  const now = Date.now();
  // Histories recorded before: never due before opening + dueDays, and the follow-up counted back from the due date.
  const anchored = patched('task-due-anchored');
  const dueMs = anchored && dueOn ? toMs(dueOn) : Math.max(now + dueDelayMs(lc), dueOn ? toMs(dueOn) : 0);
  const dueAt = new Date(dueMs).toISOString();
  // Histories recorded before: the insertion hours were asked of the buyer.
  const partnerFirst = spec.assignee === 'partner' && lc.insertionPartnerEmail !== undefined && patched('insertion-hours-partner-first');
  const task: OpenTask = {
    id, kind: spec.kind, phase: spec.phase, year, title: spec.title, why: spec.why, source: spec.source,
    assigneeEmail: lc.assigneeEmail(partnerFirst ? 'partner' : spec.assignee === 'partner' ? 'buyer' : spec.assignee), dueAt, status: 'open', reminders: 0,
    ...(anchored ? { openedAt: new Date(now).toISOString() } : {}),
    ...(partnerFirst ? { reassignTo: lc.facts.buyer.email } : {}),
  };
  lc.state.tasks[id] = task;
  if (dueMs <= now) lc.refreshOverdue();
  await lc.recorder
    .task(task)
    .log('system', 'task.opened', `Question posée : ${spec.title}`, { taskId: id, kind: spec.kind, why: spec.why, source: spec.source })
    .notify({ kind: 'task-opened', to: [task.assigneeEmail], taskId: id, data: { title: spec.title, why: spec.why, source: spec.source, dueAt } })
    .flush();
  return task;
}

/** True when answered (or the contract ended) before `atMs`. */
async function waitForAnswer(lc: Lifecycle, task: OpenTask, atMs: number): Promise<boolean> {
  const done = () => task.received !== undefined || !!lc.state.ended;
  return done() || (await condition(done, Math.max(1, atMs - Date.now())));
}

async function act(lc: Lifecycle, task: OpenTask, action: TaskAction): Promise<void> {
  const r = lc.recorder;
  if (action === 'remind' && task.reassignTo) {
    // Not reported by the due date: the same task goes to the buyer, rather than a second one.
    const from = task.assigneeEmail;
    task.assigneeEmail = task.reassignTo;
    delete task.reassignTo;
    r.log('system', 'task.reassigned', `Sans déclaration du partenaire, question posée à l’acheteur : ${task.title}`, { taskId: task.id, from, to: task.assigneeEmail })
      .notify({ kind: 'task-opened', to: [task.assigneeEmail], cc: [from], taskId: task.id, data: { title: task.title, why: `${task.why} Le partenaire n’a pas déclaré ces heures à l’échéance.`, source: task.source, dueAt: task.dueAt } });
  } else if (action === 'remind') {
    task.reminders += 1;
    r.log('system', 'task.reminded', `Relance n°${task.reminders} : ${task.title}`, { taskId: task.id })
      .notify({ kind: 'task-reminder', to: [task.assigneeEmail], taskId: task.id, data: { title: task.title, dueAt: task.dueAt, reminder: task.reminders } });
  } else if (action === 'escalate') {
    task.escalatedAt = new Date().toISOString();
    r.log('system', 'task.escalated', `Escalade au responsable : ${task.title}`, { taskId: task.id, to: lc.escalationEmail })
      .notify({ kind: 'task-escalation', to: [lc.escalationEmail], cc: [task.assigneeEmail], taskId: task.id, data: { title: task.title, dueAt: task.dueAt } });
  } else {
    return closeTask(lc, task, 'unanswered', `Sans réponse, abandonnée : ${task.title}`);
  }
  lc.refreshOverdue();
  await r.task(task).flush();
}

async function closeTask(lc: Lifecycle, task: OpenTask, status: 'unanswered' | 'cancelled', summary: string): Promise<void> {
  task.status = status;
  forget(lc, task);
  await lc.recorder.task(task).log('system', `task.${status}`, summary, { taskId: task.id }).flush();
}

/** The validator of the retired answerTask update (old histories): the task must be open and the answer valid. */
export function validateAnswer(lc: Lifecycle, taskIdValue: string, answer: unknown): unknown {
  const task = lc.state.tasks[taskIdValue];
  if (!task || task.status !== 'open') throw new Error(`Tâche inconnue ou déjà close : ${taskIdValue}`);
  if (task.received) throw new Error(`Tâche déjà répondue : ${taskIdValue}`);
  const parsed = parseAnswer(task.kind, answer, { contract: lc.facts, policy: lc.state.policy });
  if (!parsed.ok) throw new Error(`Réponse invalide : ${parsed.error}`);
  return parsed.value;
}
