import { afterAll, beforeAll, expect, it } from 'vitest';
import { POLICIES_DIR, readPolicy } from '../../activities/policy';
import type { Answers } from '../../domain/answers';
import { addDays, addMonths, isoDay, toMs } from '../../domain/dates';
import type { CheckKind } from '../../domain/policy';
import * as rules from '../../domain/rules';
import { answers, contractFacts } from '../support/contracts';
import { saveHistory } from '../support/histories';
import { expectMailsDelivered } from '../support/mails';
import type { LifecycleDriver } from '../support/lifecycle-driver';
import { lifecycleEnv, type LifecycleEnv } from '../support/lifecycle-env';

let t: LifecycleEnv;
beforeAll(async () => void (t = await lifecycleEnv()));
afterAll(async () => t?.teardown());

const DAY = 86_400_000;
const ANSWERS: Partial<Record<CheckKind, unknown>> = {
  'insertion-clause': answers.insertion(400), allotment: answers.allotment, 'environmental-considerations': answers.environmental,
  'eco-labels': answers.ecoLabels, 'anti-discrimination-clause': answers.antiDiscrimination, 'sme-advance': answers.smeAdvance,
  'mandatory-advance': answers.mandatoryAdvance, 'price-revision': answers.priceRevision, negotiation: answers.negotiation,
  'impact-data-clauses': answers.impactData, reservation: answers.reservation('ESS'), 'fair-trade': answers.fairTrade,
};

/** Moves the clock to the contract's end date, where it closes. */
async function untilEnd(d: LifecycleDriver): Promise<string> {
  const s = await d.settled();
  expect(s.openTasks).toEqual([]);
  await d.skip(Date.parse(s.sleepingUntil!) - (await t.env.currentTimeMs()) + 1000);
  return d.expectClosed();
}

/** Clermont, 200 k€ HT of cleaning supplies over 6 months: an insertion clause is studied, with the PLIE. */
async function shortContractUntilExecution(labelMonths: number) {
  const now = await t.env.currentTimeMs();
  const contract = contractFacts(now, 24, { estimatedAmountHT: 200_000, durationMonths: 6, recurring: false });
  const policy = await readPolicy(POLICIES_DIR, 'clermont');
  const d = await t.start(contract);
  const programming = await d.expectTasks(['programming-questionnaire']);
  await d.answer('programming-questionnaire', answers.programming);
  await d.expectTasks(['sourcing']);
  await d.answer('sourcing', answers.sourcing(false));
  const decisions = { sourcing: answers.sourcing(false) as Answers['sourcing'] };
  await d.expectTasks(rules.consultationChecks({ contract, policy, decisions }).map((c) => c.kind));
  await d.answerAll(ANSWERS);
  await d.expectTasks(['award-record']);
  const awardedAt = await t.env.currentTimeMs();
  const labelUntil = addMonths(isoDay(awardedAt), labelMonths);
  await d.answer('award-record', answers.award(awardedAt, 6, { labelsHeld: [{ name: 'Écolabel européen', validUntil: labelUntil }] }));
  await d.expectTasks(['kickoff-meeting']);
  await d.answer('kickoff-meeting', answers.kickoff(awardedAt));
  await d.expectPhase('execution');
  return { d, contract, programming, labelUntil };
}

it('re-checks a held label labelRecheckDaysBefore its expiry, on a contract shorter than a year (defect 7)', async () => {
  const { d, contract, labelUntil } = await shortContractUntilExecution(5);
  // The label expires 5 months after the award, before the contract's end at 6 months: re-checked 90 days before.
  const recheck = await d.expectTasks(['label-validity']);
  const task = recheck.openTasks[0]!;
  const openedAt = Date.parse(task.dueAt) - 14 * DAY;
  expect(Math.abs(openedAt - toMs(addDays(labelUntil, -90)))).toBeLessThan(2 * DAY);
  expect(task.why).toContain(`Écolabel européen (${labelUntil})`);
  await d.answer('label-validity', { stillValid: true, newValidUntil: addMonths(labelUntil, 36) });
  // Renewed beyond the end: nothing more to re-check; no yearly review on a 6-month contract.
  expect(await untilEnd(d)).toBe('COMPLETED');
  const labelTasks = await t.db.task.count({ where: { contractId: contract.id, kind: 'label-validity' } });
  expect(labelTasks).toBe(1);
  await saveHistory('clermont-label-recheck', d);
});

it('asks the programming questions by J-14, and mails partners and experts at the phases the policy lists (defects 9, 10)', async () => {
  const { d, contract, programming } = await shortContractUntilExecution(24);
  // 003 action 2: the programming work runs from J-24 to J-14 months before the award.
  expect(programming.openTasks[0]!.dueAt.slice(0, 10)).toBe(addMonths(contract.plannedAwardDate, -14));
  expect(await untilEnd(d)).toBe('COMPLETED');

  const mails = await t.db.notification.findMany({ where: { contractId: contract.id, kind: 'partner-phase' }, orderBy: { createdAt: 'asc' } });
  const told = mails.map((m) => `${(m.data as { phase: string }).phase}:${m.partnerId}`);
  // 003 action 8 (003:624): the PLIE is linked with the buyer while the contract is written; 003 action 5: the
  // experts (3DE, mission ESS, equality mission) at the phases of their actions.
  expect(told).toEqual(expect.arrayContaining([
    'programming:plie', 'programming:mission-ess', 'programming:3de', 'sourcing:mission-ess', 'sourcing:cress-aura',
    'consultation:plie', 'consultation:3de', 'consultation:mission-egalite', 'award:plie',
  ]));
  expect(told).not.toContain('kickoff:plie'); // invited to the kickoff instead (partner-kickoff)
  const plie = mails.find((m) => (m.data as { phase: string }).phase === 'consultation' && m.partnerId === 'plie')!;
  expect(plie.to).toEqual(['plie@clermontmetropole.test']);
  expect((plie.data as { topics: { kind: string }[] }).topics.map((x) => x.kind)).toEqual(['insertion-clause']);
  expect(await expectMailsDelivered(t.db, contract.id)).toMatchObject({ 'partner-kickoff': 1 });
  await saveHistory('clermont-partner-phases', d);
});

it('tells the public-procurement service of a 10-40 k€ HT contract it follows internally (003 action 11)', async () => {
  const now = await t.env.currentTimeMs();
  const contract = contractFacts(now, 24, { estimatedAmountHT: 30_000, procedure: 'mapa', durationMonths: 12, recurring: false });
  const d = await t.start(contract);
  await d.expectTasks(['programming-questionnaire']);
  await d.answer('programming-questionnaire', answers.programming);
  await d.expectTasks(['sourcing']);
  await d.answer('sourcing', answers.sourcing(true));
  await d.expectPhase('consultation');
  const s = await d.settled();
  expect(s.openTasks.map((x) => x.kind)).toContain('reservation');
  const followUp = await t.db.notification.findFirst({ where: { contractId: contract.id, kind: 'partner-phase', to: { has: 'commande-publique@clermontmetropole.test' } } });
  expect(followUp?.data).toMatchObject({ phase: 'consultation' });
  expect(String((followUp?.data as { why: string }).why)).toContain('suivi interne');
  await d.event({ type: 'unsuccessful', eventId: 'evt-u', reason: 'Aucune offre' });
  expect(await d.expectClosed()).toBe('COMPLETED');
});
