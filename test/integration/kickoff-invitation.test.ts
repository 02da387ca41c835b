/**
 * The kickoff meeting in calendars, as people meet it (issue 18): the contract's buyer sets the date from the
 * contract's page, moves it, and a manager terminates the contract; the PLIE and the contractor's contact receive an
 * iCalendar REQUEST, its update and its CANCEL, read here from the SMTP receiver and parsed with ical.js. Other buyers
 * and other collectivities cannot set it. Real Kafka (the forms' ingestion), Temporal, PostgreSQL and SMTP.
 */
import ICAL from 'ical.js';
import { simpleParser } from 'mailparser';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { messageIdOf } from '../../activities/mail';
import { addDays, addMonths, isoDay } from '../../domain/dates';
import type { CheckKind } from '../../domain/policy';
import { createLogger } from '../../lib/logger';
import { parisToUtc } from '../../mail/ical';
import { createConsumerApp } from '../../workers/consumer';
import { answerTaskSignal, statusQuery } from '../../workflows/contract-lifecycle';
import { accessibilityProblems } from '../support/accessibility';
import { launchBrowser, signIn } from '../support/browser';
import { answers, contractFacts } from '../support/contracts';
import { uniqueId } from '../support/env';
import { eventually } from '../support/eventually';
import { person, type Person } from '../support/people';
import { webEnv } from '../support/web-env';

let env: Awaited<ReturnType<typeof webEnv>>;
let consumer: Awaited<ReturnType<typeof createConsumerApp>>;
let browser: Browser;
let buyer: Person;
let manager: Person;

beforeAll(async () => {
  [env, browser] = await Promise.all([webEnv({ topicPrefix: `${uniqueId('kickoff')}.` }), launchBrowser()]);
  consumer = await createConsumerApp(env.config, createLogger('test', 'silent'), { taskQueue: env.taskQueue, groupId: uniqueId('group') });
  void consumer.start();
  buyer = await person(env.db, 'buyer', 'clermont');
  manager = await person(env.db, 'manager', 'clermont');
}, 120_000);

afterAll(async () => {
  await consumer?.stop();
  await browser?.close();
  await env?.teardown();
});

const PLIE = 'plie@clermontmetropole.test';
const CONTACT = { name: 'Claire Moreau', email: `${uniqueId('claire')}@nettoyage-auvergne.test` };

/** Clermont, 200 k€ HT over 6 months, planned a month ago (its questions open at once), insertion clause retained. */
async function contractAtKickoff(startDate: string) {
  const today = isoDay(Date.now());
  const contract = contractFacts(Date.now(), -1, {
    estimatedAmountHT: 200_000, durationMonths: 6, recurring: false, buyer: { name: 'Camille Martin', email: buyer.email },
  });
  const script: Partial<Record<CheckKind, unknown>> = {
    'programming-questionnaire': answers.programming, sourcing: answers.sourcing(false), 'insertion-clause': answers.insertion(400),
    allotment: answers.allotment, 'environmental-considerations': answers.environmental, 'eco-labels': answers.ecoLabels,
    'anti-discrimination-clause': answers.antiDiscrimination, 'sme-advance': answers.smeAdvance, 'mandatory-advance': answers.mandatoryAdvance,
    'price-revision': answers.priceRevision, negotiation: answers.negotiation, 'impact-data-clauses': answers.impactData, 'fair-trade': answers.fairTrade,
    'award-record': { ...answers.award(Date.now(), 6), startDate, endDate: addMonths(startDate, 6), notifiedOn: today,
      supplier: { ...answers.award(0, 1).supplier, contact: CONTACT } },
  };
  const handle = await env.start(contract);
  const answered = new Set<string>();
  await eventually('the kickoff phase', async () => {
    const s = await handle.query(statusQuery);
    for (const t of s.openTasks.filter((x) => x.kind in script && !answered.has(x.id))) {
      answered.add(t.id);
      await handle.signal(answerTaskSignal, { taskId: t.id, answer: script[t.kind], by: buyer.email });
    }
    return s.openTasks.some((x) => x.kind === 'kickoff-meeting') ? s : undefined;
  }, 90_000);
  return { contract, handle };
}

/** The calendar part of the mail a kickoff notification became, as the receiver got it. */
async function calendarOf(contractId: string, kind: string) {
  const n = await eventually(`the ${kind} mail to be sent`, () =>
    env.db.notification.findFirst({ where: { contractId, kind, status: 'sent' } }).then((x) => x ?? undefined), 30_000);
  const [summary] = await env.mailbox.waitFor((m) => m.MessageID === messageIdOf(n.id).slice(1, -1));
  const mail = await simpleParser(await env.mailbox.raw(summary!.ID));
  const part = mail.attachments.find((a) => a.contentType === 'text/calendar');
  expect(part, 'a text/calendar alternative').toBeDefined();
  expect(mail.attachments.some((a) => a.contentType === 'application/ics')).toBe(true);
  const contentType = part!.headers.get('content-type') as { params: Record<string, string> };
  const cal = new ICAL.Component(ICAL.parse(part!.content.toString('utf8')));
  const event = cal.getFirstSubcomponent('vevent')!;
  return {
    mail, partMethod: contentType.params.method, method: cal.getFirstPropertyValue('method'),
    uid: event.getFirstPropertyValue('uid'), sequence: event.getFirstPropertyValue('sequence'),
    start: event.getFirstPropertyValue('dtstart') as ICAL.Time, location: event.getFirstPropertyValue('location'),
    attendees: event.getAllProperties('attendee').map((a) => String(a.getFirstValue())),
  };
}

it('sends the buyer’s kickoff date to the PLIE’s and the contractor’s calendars, its change, and its cancellation', async () => {
  const startDate = addDays(isoDay(Date.now()), 30);
  const { contract, handle } = await contractAtKickoff(startDate);
  const on = addDays(startDate, -7);

  // The contract's buyer: the kickoff form only, not the manager's actions.
  const page = await signIn(browser, env.url, buyer.token);
  await page.goto(`${env.url}/contrats/${contract.id}`);
  await page.getByText('Agir sur le marché').click();
  expect(await page.getByRole('heading', { level: 3 }).allTextContents()).toEqual(['Fixer la réunion de lancement']);
  expect(await accessibilityProblems(page)).toEqual([]);
  const form = page.locator('form', { has: page.getByRole('heading', { name: 'Fixer la réunion de lancement' }) });
  await form.getByLabel('Date de la réunion de lancement').fill(on);
  await form.getByLabel('Heure (HH:MM, heure de Paris)').fill('09:30');
  await form.getByLabel('Lieu').fill('Hôtel de métropole, salle 2');
  await form.getByRole('button', { name: 'Fixer la réunion de lancement' }).click();
  expect(await page.locator('h1').textContent()).toBe('Fixer la réunion de lancement');

  const request = await calendarOf(contract.id, 'kickoff-invitation');
  expect(request).toMatchObject({ partMethod: 'REQUEST', method: 'REQUEST', uid: `kickoff-${contract.id}-c1@spaser`, sequence: 0, location: 'Hôtel de métropole, salle 2' });
  expect(request.start.toJSDate().getTime()).toBe(parisToUtc(on, '09:30'));
  expect(request.attendees).toEqual([`mailto:${PLIE}`, `mailto:${CONTACT.email}`]);
  expect(request.mail.subject).toMatch(/^\[SPASER\] Invitation : réunion de lancement du /);
  expect(request.mail.text).toContain('Hôtel de métropole, salle 2');

  // A time the schema refuses is named; nothing is sent.
  const refused = await page.request.post(`${env.url}/contrats/${contract.id}/actions/lancement`, { form: { on, at: '9h30' } });
  expect(refused.status()).toBe(400);
  expect(await refused.text()).toContain('heure au format HH:MM');

  // Moved: the same event, one sequence higher.
  const moved = addDays(on, 2);
  const res = await page.request.post(`${env.url}/contrats/${contract.id}/actions/lancement`, { form: { on: moved, at: '14:00' } });
  expect(res.status()).toBe(202);
  const update = await calendarOf(contract.id, 'kickoff-update');
  expect(update).toMatchObject({ method: 'REQUEST', uid: request.uid, sequence: 1 });
  expect(update.start.toJSDate().getTime()).toBe(parisToUtc(moved, '14:00'));
  expect(update.attendees).toEqual(request.attendees);
  await page.context().close();

  // Terminated by a manager before the meeting: withdrawn from the calendars.
  const desk = await signIn(browser, env.url, manager.token);
  const term = await desk.request.post(`${env.url}/contrats/${contract.id}/actions/resiliation`, { form: { reason: 'Liquidation judiciaire du titulaire' } });
  expect(term.status()).toBe(202);
  const cancel = await calendarOf(contract.id, 'kickoff-cancel');
  expect(cancel).toMatchObject({ partMethod: 'CANCEL', method: 'CANCEL', uid: request.uid, sequence: 2 });
  expect(cancel.attendees).toEqual(request.attendees);
  expect((await handle.query(statusQuery)).status).toBe('terminated');
  await desk.context().close();
}, 180_000); // over 60 s once under CI load (2026-11-30)

it('lets neither another buyer nor another collectivity set the kickoff; a buyer takes no other action', async () => {
  const { contract, handle } = await contractAtKickoff(addDays(isoDay(Date.now()), 30));
  const attempts: [Person, string, number][] = [
    [await person(env.db, 'buyer', 'clermont'), 'lancement', 404], // another buyer of the collectivity: not their contract
    [await person(env.db, 'manager', 'dijon'), 'lancement', 404], // another collectivity
    [await person(env.db, 'buyer', 'dijon'), 'lancement', 404],
    [await person(env.db, 'partner', 'clermont', { partnerId: 'plie' }), 'lancement', 403],
    [buyer, 'suspension', 403], // the contract's buyer, an action for managers
  ];
  for (const [who, action, status] of attempts) {
    const page = await signIn(browser, env.url, who.token);
    const res = await page.request.post(`${env.url}/contrats/${contract.id}/actions/${action}`, { form: { on: addDays(isoDay(Date.now()), 20), reason: 'Pour voir si je peux' } });
    expect(res.status(), `${who.email} ${action}`).toBe(status);
    await page.context().close();
  }
  // Refused before anything reaches Kafka: the buyer's own date is the only one the contract takes.
  const page = await signIn(browser, env.url, buyer.token);
  expect((await page.request.post(`${env.url}/contrats/${contract.id}/actions/lancement`, { form: { on: addDays(isoDay(Date.now()), 21) } })).status()).toBe(202);
  await page.context().close();
  // Its write, not only the workflow's state: the status shows the date before the audit entry is committed.
  const scheduled = await eventually('the buyer’s date in the audit trail', () =>
    env.db.auditEntry.findMany({ where: { contractId: contract.id, action: { in: ['kickoff.scheduled', 'kickoff.rescheduled'] } }, select: { actor: true, action: true } })
      .then((rows) => (rows.length ? rows : undefined)));
  expect(scheduled).toEqual([{ actor: buyer.email, action: 'kickoff.scheduled' }]);
  const s = await handle.query(statusQuery);
  expect(s.kickoff).toMatchObject({ on: addDays(isoDay(Date.now()), 21), sequence: 0 });
  expect(s.status).toBe('active');
});
