/**
 * The Monday digest (issue 18): a person who chose it in "Mes préférences" gets none of the per-question mails, then
 * one digest listing their questions with answer links; a second run of the week sends nothing. The Schedule that
 * starts the run every Monday is created once.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { POLICIES_DIR, storeAllPolicies } from '../../activities/policy';
import { contractWorkflowId } from '../../domain/contract';
import { addMonths, isoDay } from '../../domain/dates';
import { ensureDigestSchedule } from '../../workers/digest-schedule';
import { statusQuery } from '../../workflows/contract-lifecycle';
import { mondayOf, weeklyDigest } from '../../workflows/weekly-digest';
import { launchBrowser, signIn } from '../support/browser';
import { contractFacts } from '../support/contracts';
import { uniqueId } from '../support/env';
import { eventually } from '../support/eventually';
import { person, type Person } from '../support/people';
import { webEnv } from '../support/web-env';

let env: Awaited<ReturnType<typeof webEnv>>;
let browser: Browser;
let buyer: Person;

beforeAll(async () => {
  [env, browser] = await Promise.all([webEnv(), launchBrowser()]);
  await storeAllPolicies(env.db, POLICIES_DIR);
  buyer = await person(env.db, 'buyer', 'dijon');
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await env?.teardown();
});

it('a person on the digest gets no per-question mail, then one digest for the week, and none more on a second run', async () => {
  const page = await signIn(browser, env.url, buyer.token);
  await page.getByRole('link', { name: 'Mes préférences' }).click();
  await page.getByLabel(/Un récapitulatif chaque lundi/).check();
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  expect(await page.getByRole('status').textContent()).toBe('Préférence enregistrée.');
  await page.context().close();

  // Dijon programs 36 months ahead: planned in 30 months, its programming questions are asked at once.
  const now = Date.now();
  const contract = contractFacts(now, 30, { collectivityId: 'dijon', buyer: { name: 'Test buyer', email: buyer.email }, manager: undefined, plannedAwardDate: addMonths(isoDay(now), 30) });
  const handle = await env.start(contract);
  const task = await eventually('the programming question', async () => (await handle.query(statusQuery)).openTasks[0]);
  const held = await eventually('the question held for the digest', () => env.db.notification.findFirst({ where: { contractId: contract.id, kind: 'task-opened', status: 'digested' } }).then((n) => n ?? undefined));
  expect(held.to).toEqual([buyer.email]);

  const week = mondayOf(Date.now());
  const first = await env.temporal.workflow.execute(weeklyDigest, { taskQueue: env.taskQueue, workflowId: uniqueId('digest'), args: [{ week }] });
  expect(first.sent).toBeGreaterThanOrEqual(1);
  const [digest] = await env.mailbox.waitFor((m) => m.To.some((t) => t.Address === buyer.email));
  expect(digest!.Subject).toMatch(/^\[SPASER\] Vos questions de la semaine du /);
  const body = (await env.mailbox.get(digest!.ID)).Text;
  expect(body).toContain(task.title);
  expect(body).toMatch(/\/repondre\/\S+/);
  expect(await env.db.mailDigest.findUnique({ where: { id: `${buyer.email}|${week}` } })).toMatchObject({ status: 'sent', items: 1 });

  const second = await env.temporal.workflow.execute(weeklyDigest, { taskQueue: env.taskQueue, workflowId: uniqueId('digest'), args: [{ week }] });
  expect(second.sent).toBe(0);
  // Every mail to this person, once the second run is over: the digest alone, no per-question mail.
  const mails = (await env.mailbox.list()).filter((m) => m.To.some((t) => t.Address === buyer.email));
  expect(mails.map((m) => m.ID)).toEqual([digest!.ID]);
  await env.temporal.workflow.getHandle(contractWorkflowId(contract.id)).terminate('test over');
}, 120_000);

it('creates the Monday schedule once, at 7:00 Paris time', async () => {
  const id = uniqueId('digest-schedule');
  expect(await ensureDigestSchedule(env.temporal, env.taskQueue, id)).toBe('created');
  expect(await ensureDigestSchedule(env.temporal, env.taskQueue, id)).toBe('existing');
  const schedule = env.temporal.schedule.getHandle(id);
  const described = await schedule.describe();
  const [calendar] = described.spec.calendars ?? [];
  expect(calendar).toMatchObject({ dayOfWeek: [{ start: 'MONDAY', end: 'MONDAY' }], hour: [{ start: 7, end: 7 }], minute: [{ start: 0, end: 0 }] });
  expect(described.spec.timezone).toBe('Europe/Paris');
  await schedule.delete();
});
