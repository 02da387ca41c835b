import { afterAll, beforeAll, expect, it } from 'vitest';
import { contractFacts } from '../support/contracts';
import { lifecycleEnv, type LifecycleEnv } from '../support/lifecycle-env';
import { expectMailsDelivered } from '../support/mails';

let t: LifecycleEnv;
beforeAll(async () => void (t = await lifecycleEnv()));
afterAll(async () => t?.teardown());

const DAY = 86_400_000;

it('reminds a buyer who never answers, escalates to the manager, then gives up, at the policy dates', async () => {
  const now = await t.env.currentTimeMs();
  // Planned 14 months ahead: Clermont's programming questions are due at J-14 (003 action 2) or dueDays after opening.
  const contract = contractFacts(now, 14);
  const d = await t.start(contract);
  const opened = await d.expectTasks(['programming-questionnaire']);
  const task = opened.openTasks[0]!;
  const openedAt = Date.parse(task.dueAt) - 14 * DAY; // Clermont: due in 14 days

  await d.skip(80 * DAY); // longer than the give-up delay (due + 60 days)
  await d.expectTasks(['sourcing']); // gave up, moved on

  const audit = await t.db.auditEntry.findMany({ where: { contractId: contract.id, detail: { path: ['taskId'], equals: task.id } }, orderBy: { at: 'asc' } });
  const timeline = audit.map((a) => [a.action, Math.round((a.at.getTime() - openedAt) / DAY)]);
  expect(timeline).toEqual([
    ['task.opened', 0],
    ['task.reminded', 14],
    ['task.reminded', 21],
    ['task.reminded', 28],
    ['task.escalated', 35],
    ['task.unanswered', 74],
  ]);
  const escalation = await t.db.notification.findFirst({ where: { contractId: contract.id, kind: 'task-escalation' } });
  expect(escalation?.to).toEqual(['dominique.bernard@clermont.test']);
  expect(escalation?.cc).toEqual(['camille.martin@clermont.test']);
  const row = await t.db.task.findUnique({ where: { id: task.id } });
  expect(row).toMatchObject({ status: 'unanswered', reminders: 3 });
  expect(row?.escalatedAt).not.toBeNull();
  expect(await expectMailsDelivered(t.db, contract.id)).toMatchObject({ 'task-opened': 2, 'task-reminder': 3, 'task-escalation': 1 });
});
