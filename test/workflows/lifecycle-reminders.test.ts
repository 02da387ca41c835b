import { afterAll, beforeAll, expect, it } from 'vitest';
import { addMonths } from '../../domain/dates';
import { contractWorkflowId } from '../../domain/contract';
import { SA } from '../../domain/search-attributes';
import { contractFacts } from '../support/contracts';
import { lifecycleEnv, type LifecycleEnv } from '../support/lifecycle-env';
import { expectMailsDelivered } from '../support/mails';

let t: LifecycleEnv;
beforeAll(async () => void (t = await lifecycleEnv()));
afterAll(async () => t?.teardown());

const DAY = 86_400_000;

async function followUp(contractId: string, taskId: string, from: number) {
  const audit = await t.db.auditEntry.findMany({ where: { contractId, detail: { path: ['taskId'], equals: taskId } }, orderBy: { at: 'asc' } });
  return audit.map((a) => [a.action, Math.round((a.at.getTime() - from) / DAY)]);
}

it('reminds a buyer who never answers, escalates to the manager, then gives up, at the policy dates', async () => {
  const now = await t.env.currentTimeMs();
  // Planned 15 months ahead: Clermont's programming questions are due at J-14 months (003 action 2), a month away.
  const contract = contractFacts(now, 15);
  const d = await t.start(contract);
  const opened = await d.expectTasks(['programming-questionnaire']);
  const task = opened.openTasks[0]!;
  const dueAt = Date.parse(task.dueAt);
  expect(task.dueAt.slice(0, 10)).toBe(addMonths(contract.plannedAwardDate, -14));

  await d.skip(100 * DAY); // longer than the give-up delay (due + 60 days)
  await d.expectTasks(['sourcing']); // gave up, moved on

  const [first, ...rest] = await followUp(contract.id, task.id, dueAt);
  expect(first![0]).toBe('task.opened');
  expect(first![1]).toBeLessThan(-27);
  expect(rest).toEqual([
    ['task.reminded', 0],
    ['task.reminded', 7],
    ['task.reminded', 14],
    ['task.escalated', 21],
    ['task.unanswered', 60],
  ]);
  const escalation = await t.db.notification.findFirst({ where: { contractId: contract.id, kind: 'task-escalation' } });
  expect(escalation?.to).toEqual(['dominique.bernard@clermont.test']);
  expect(escalation?.cc).toEqual(['camille.martin@clermont.test']);
  const row = await t.db.task.findUnique({ where: { id: task.id } });
  expect(row).toMatchObject({ status: 'unanswered', reminders: 3 });
  expect(row?.escalatedAt).not.toBeNull();
  expect(await expectMailsDelivered(t.db, contract.id)).toMatchObject({ 'task-opened': 2, 'task-reminder': 3, 'task-escalation': 1 });
});

it('a question opened past its SPASER deadline is overdue from the start; its follow-up counts from the opening', async () => {
  const now = await t.env.currentTimeMs();
  // Registered at J-13 months: Clermont's J-14 (003 action 2) passed a month ago.
  const contract = contractFacts(now, 13);
  const d = await t.start(contract);
  const task = (await d.expectTasks(['programming-questionnaire'])).openTasks[0]!;
  expect(task.dueAt.slice(0, 10)).toBe(addMonths(contract.plannedAwardDate, -14));
  expect(Date.parse(task.dueAt)).toBeLessThan(now);
  const overdue = await t.env.client.workflow.getHandle(contractWorkflowId(contract.id)).describe();
  expect(overdue.typedSearchAttributes.get(SA.overdue)).toBe(true);

  await d.skip(70 * DAY);
  await d.expectTasks(['sourcing']);
  const [first, ...rest] = await followUp(contract.id, task.id, now);
  expect(first).toEqual(['task.opened', 0]);
  // No reminder on top of the opening mail: the first comes reminderEveryDays later.
  expect(rest).toEqual([['task.reminded', 7], ['task.reminded', 14], ['task.escalated', 21], ['task.unanswered', 60]]);
});
