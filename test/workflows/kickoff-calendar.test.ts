/**
 * The kickoff meeting in the attendees' calendars (issue 18): the buyer sets the date (event kickoff-scheduled), the
 * insertion partner and the contractor's contact get an iCalendar REQUEST, each change an update with the same UID
 * and a higher SEQUENCE, and a contract ended before the meeting a CANCEL. Checked on the notification records.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { POLICIES_DIR, readPolicy } from '../../activities/policy';
import type { Answers } from '../../domain/answers';
import { addDays, isoDay } from '../../domain/dates';
import type { KickoffInvitation } from '../../domain/kickoff';
import type { CheckKind } from '../../domain/policy';
import * as rules from '../../domain/rules';
import { answers, contractFacts } from '../support/contracts';
import { saveHistory } from '../support/histories';
import type { LifecycleDriver } from '../support/lifecycle-driver';
import { lifecycleEnv, type LifecycleEnv } from '../support/lifecycle-env';
import { expectMailsDelivered } from '../support/mails';

let t: LifecycleEnv;
beforeAll(async () => void (t = await lifecycleEnv()));
afterAll(async () => t?.teardown());

const CONTACT = { name: 'Claire Moreau', email: 'claire.moreau@nettoyage-auvergne.test' };
const CONSULTATION: Partial<Record<CheckKind, unknown>> = {
  'insertion-clause': answers.insertion(400), allotment: answers.allotment, 'environmental-considerations': answers.environmental,
  'eco-labels': answers.ecoLabels, 'anti-discrimination-clause': answers.antiDiscrimination, 'sme-advance': answers.smeAdvance,
  'mandatory-advance': answers.mandatoryAdvance, 'price-revision': answers.priceRevision, negotiation: answers.negotiation,
  'impact-data-clauses': answers.impactData, 'fair-trade': answers.fairTrade,
};

/** Clermont, 200 k€ HT of cleaning supplies over 6 months, an insertion clause retained with the PLIE: up to the award. */
async function untilAward(): Promise<{ d: LifecycleDriver; contractId: string }> {
  const contract = contractFacts(await t.env.currentTimeMs(), 24, { estimatedAmountHT: 200_000, durationMonths: 6, recurring: false });
  const policy = await readPolicy(POLICIES_DIR, 'clermont');
  const d = await t.start(contract);
  await d.expectTasks(['programming-questionnaire']);
  await d.answer('programming-questionnaire', answers.programming);
  await d.expectTasks(['sourcing']);
  await d.answer('sourcing', answers.sourcing(false));
  const decisions = { sourcing: answers.sourcing(false) as Answers['sourcing'] };
  await d.expectTasks(rules.consultationChecks({ contract, policy, decisions }).map((c) => c.kind));
  await d.answerAll(CONSULTATION);
  await d.expectTasks(['award-record']);
  return { d, contractId: contract.id };
}

async function invitations(contractId: string) {
  const rows = await t.db.notification.findMany({ where: { contractId, kind: { startsWith: 'kickoff-' } }, orderBy: { id: 'asc' } });
  // Ids are `<workflow>:<seq>:mail:<kind>`: sort by the workflow's sequence.
  return rows
    .sort((a, b) => Number(a.id.split(':')[1]) - Number(b.id.split(':')[1]))
    .map((n) => ({ kind: n.kind, to: n.to, cc: n.cc, partnerId: n.partnerId, data: n.data as unknown as KickoffInvitation }));
}

it('invites the PLIE and the contractor, updates with the same UID and a higher SEQUENCE, cancels on termination', async () => {
  const { d, contractId } = await untilAward();
  const awardedAt = await t.env.currentTimeMs();
  const supplier = { ...answers.award(awardedAt, 6).supplier, contact: CONTACT };
  await d.answer('award-record', answers.award(awardedAt, 6, { supplier }));
  await d.expectTasks(['kickoff-meeting']);
  expect(await invitations(contractId)).toEqual([]);

  const first = addDays(isoDay(awardedAt), 20);
  let s = await d.event({ type: 'kickoff-scheduled', eventId: 'evt-kick-1', by: 'camille.martin@clermont.test', on: first, at: '10:00', place: 'Hôtel de ville' });
  expect(s.kickoff).toMatchObject({ on: first, at: '10:00', sequence: 0, invited: true });
  const moved = addDays(first, 7);
  s = await d.event({ type: 'kickoff-scheduled', eventId: 'evt-kick-2', on: moved, at: '14:30', place: 'Hôtel de ville' });
  expect(s.kickoff).toMatchObject({ on: moved, at: '14:30', sequence: 1 });
  // The same schedule again (another event): nothing to update.
  s = await d.event({ type: 'kickoff-scheduled', eventId: 'evt-kick-3', on: moved, at: '14:30', place: 'Hôtel de ville' });
  expect(s.kickoff?.sequence).toBe(1);
  expect(s.history.at(-1)?.summary).toMatch(/^Réunion de lancement inchangée/);

  await d.event({ type: 'terminated', eventId: 'evt-term', reason: 'Liquidation judiciaire du titulaire' });
  expect(await d.expectClosed()).toBe('COMPLETED');
  expect((await d.status()).kickoff).toMatchObject({ sequence: 2, cancelled: true });

  const sent = await invitations(contractId);
  expect(sent.map((n) => [n.kind, n.data.method, n.data.sequence, n.data.on, n.data.at])).toEqual([
    ['kickoff-invitation', 'REQUEST', 0, first, '10:00'],
    ['kickoff-update', 'REQUEST', 1, moved, '14:30'],
    ['kickoff-cancel', 'CANCEL', 2, moved, '14:30'],
  ]);
  expect(new Set(sent.map((n) => n.data.uid))).toEqual(new Set([`kickoff-${contractId}-c1@spaser`]));
  for (const n of sent) {
    expect(n.to).toEqual(['plie@clermontmetropole.test', CONTACT.email]);
    expect(n.cc).toEqual(['camille.martin@clermont.test']);
    expect(n.partnerId).toBe('plie');
    expect(n.data.organizer.email).toBe('camille.martin@clermont.test');
    expect(n.data.attendees.map((a) => a.role)).toEqual(['partner', 'contractor']);
  }
  // DTSTAMP is the workflow's time, so it grows with each change and a replay writes the same one.
  expect(Date.parse(sent[1]!.data.stamp)).toBeGreaterThanOrEqual(Date.parse(sent[0]!.data.stamp));
  expect(sent[1]!.data.previous).toMatchObject({ on: first, at: '10:00' });
  expect(await expectMailsDelivered(t.db, contractId)).toMatchObject({ 'kickoff-invitation': 1, 'kickoff-update': 1, 'kickoff-cancel': 1 });
  await saveHistory('clermont-kickoff-calendar', d);
});

it('keeps a date set before the kickoff phase, sends it as the phase begins, and ignores one after the meeting', async () => {
  const { d, contractId } = await untilAward();
  const awardedAt = await t.env.currentTimeMs();
  const on = addDays(isoDay(awardedAt), 10);
  const early = await d.event({ type: 'kickoff-scheduled', eventId: 'evt-early', on }); // a whole day, no place yet
  expect(early.kickoff).toMatchObject({ on, sequence: 0, invited: false });
  expect(await invitations(contractId)).toEqual([]);

  await d.answer('award-record', answers.award(awardedAt, 6)); // no contact at the contractor: the PLIE only
  await d.expectTasks(['kickoff-meeting']);
  const [request] = await invitations(contractId);
  expect(request).toMatchObject({ kind: 'kickoff-invitation', to: ['plie@clermontmetropole.test'], data: { method: 'REQUEST', sequence: 0, on } });
  expect(request!.data.at).toBeUndefined();

  await d.answer('kickoff-meeting', answers.kickoff(await t.env.currentTimeMs()));
  await d.expectPhase('execution');
  const late = await d.event({ type: 'kickoff-scheduled', eventId: 'evt-late', on: addDays(on, 30) });
  expect(late.history.at(-1)).toMatchObject({ action: 'event.ignored' });
  expect(late.kickoff).toMatchObject({ on, sequence: 0 });
  // Held: the contract runs to its end without cancelling anything.
  const settled = await d.settled();
  await d.skip(Date.parse(settled.sleepingUntil!) - (await t.env.currentTimeMs()) + 1000);
  expect(await d.expectClosed()).toBe('COMPLETED');
  expect((await invitations(contractId)).map((n) => n.kind)).toEqual(['kickoff-invitation']);
  expect(await expectMailsDelivered(t.db, contractId)).toMatchObject({ 'kickoff-invitation': 1 });
  await saveHistory('clermont-kickoff-set-early', d);
});
