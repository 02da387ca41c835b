/**
 * A manager on the Monday digest (issue 18): the escalations of the contracts they follow come in their weekly
 * summary, by buying service, oldest first, instead of one mail each.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addDays, addMonths, isoDay } from '../../domain/dates';
import { Mailbox } from '../../stack/mailbox';
import { mondayOf, weeklyDigest } from '../../workflows/weekly-digest';
import { contractFacts } from '../support/contracts';
import { testConfig, uniqueId } from '../support/env';
import { lifecycleEnv, type LifecycleEnv } from '../support/lifecycle-env';
import { person } from '../support/people';

let t: LifecycleEnv;
beforeAll(async () => void (t = await lifecycleEnv()));
afterAll(async () => t?.teardown());

const DAY = 86_400_000;

it('gathers a manager’s escalations in the Monday digest, by buying service, oldest first', async () => {
  const manager = await person(t.db, 'manager', 'clermont');
  await t.db.user.update({ where: { email: manager.email }, data: { mailDigest: true } });
  const now = await t.env.currentTimeMs();
  // Clermont asks its programming questions at J-14 months (003 action 2): planned 14 months after `dueIn` days,
  // the question is due in `dueIn` days, escalated 21 days later and given up 60 days later.
  const contract = (dueIn: number, buyingService: string, object: string) => contractFacts(now, 0, {
    buyingService, object, manager: { name: 'Test manager', email: manager.email },
    plannedAwardDate: addMonths(addDays(isoDay(now), dueIn), 14),
  });
  const contracts = [contract(30, 'Voirie', 'Enrobés'), contract(40, 'Direction des bâtiments', 'Peinture'), contract(35, 'Voirie', 'Signalisation')];
  const drivers = await Promise.all(contracts.map((c) => t.start(c)));
  await Promise.all(drivers.map((d) => d.expectTasks(['programming-questionnaire'])));

  // Past every escalation (the last at 40 + 21 days), before the first give-up (30 + 60 days).
  await drivers[0]!.skip(70 * DAY);
  const escalations = await t.db.notification.findMany({ where: { contractId: { in: contracts.map((c) => c.id) }, kind: 'task-escalation' } });
  expect(escalations.map((n) => n.status)).toEqual(['digested', 'digested', 'digested']);

  const week = mondayOf(await t.env.currentTimeMs());
  const result = await t.env.client.workflow.execute(weeklyDigest, { taskQueue: t.taskQueue, workflowId: uniqueId('digest'), args: [{ week }] });
  expect(result.sent).toBeGreaterThanOrEqual(1);
  const mailbox = new Mailbox(testConfig().mailApiUrl);
  const [digest] = await mailbox.waitFor((m) => m.To.some((to) => to.Address === manager.email));
  const body = (await mailbox.get(digest!.ID)).Text;
  const heading = 'Questions sans réponse remontées à votre attention :';
  expect(body).toContain(heading);
  const summary = body.slice(body.indexOf(heading) + heading.length);
  // Services in alphabetical order; in each, the oldest overdue question first.
  expect(summary.match(/^(\S.*) :$|– (\S+) \(échue/gm)).toEqual([
    'Direction des bâtiments :', '– Peinture (échue', 'Voirie :', '– Enrobés (échue', '– Signalisation (échue',
  ]);
  expect(summary).toContain(`posée à ${contracts[0]!.buyer.email}`);
  const mails = (await mailbox.list()).filter((m) => m.To.some((to) => to.Address === manager.email));
  expect(mails).toHaveLength(1);
});
