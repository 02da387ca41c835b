import { afterEach, beforeEach, expect, it } from 'vitest';
import { addMonths, isoDay } from '../../domain/dates';
import { answers, contractFacts } from '../support/contracts';
import { saveHistory } from '../support/histories';
import type { LifecycleDriver } from '../support/lifecycle-driver';
import { lifecycleEnv, type LifecycleEnv } from '../support/lifecycle-env';

let t: LifecycleEnv;
// One server (one clock) per test.
beforeEach(async () => void (t = await lifecycleEnv()));
afterEach(async () => t?.teardown());

const DAY = 86_400_000;

// The same contract for both collectivities, each on its own server (own clock): recurring promotional items, 150 k€ HT.
const promotional = (now: number, collectivityId: string) =>
  contractFacts(now, 30, { object: 'Objets promotionnels', cpv: '39294100', estimatedAmountHT: 150_000, recurring: true, collectivityId });
// 150 k€ over 48 months: insertion (> 90 k€), the SME advance (< 215 k€), the mandatory advance, price revision.
const common = ['insertion-clause', 'allotment', 'environmental-considerations', 'sme-advance', 'mandatory-advance', 'price-revision'] as const;

async function toConsultation(d: LifecycleDriver): Promise<void> {
  await d.expectTasks(['programming-questionnaire']);
  await d.answer('programming-questionnaire', answers.programming);
  await d.expectTasks(['sourcing']);
  await d.answer('sourcing', answers.sourcing(false));
}

it('Dijon: programs 36 months ahead, no yearly committee, no fair trade for promotional items', async () => {
  const now = await t.env.currentTimeMs();
  const d = await t.start(promotional(now, 'dijon'));
  await d.expectTasks(['programming-questionnaire'], { maxDays: 0 }); // J-30 is already within Dijon's J-36 (001)
  await toConsultation(d);
  // Fair trade only for catering in Dijon's texts; gender equality and anti-discrimination together from 10 000 € (001);
  // delivered goods: over-packaging (001:781) and transport (001:660), no impact-data clause (003's).
  await d.expectTasks([...common, 'equality-clauses', 'packaging-clauses', 'transport-clauses'], { maxDays: 0 });
});

it('Clermont: the same contract waits for J-24, goes to the CAD at J-12, asks for fair trade and eco-labels', async () => {
  const now = await t.env.currentTimeMs();
  const contract = promotional(now, 'clermont');
  const d = await t.start(contract);
  const waiting = await d.settled();
  expect(waiting.openTasks).toEqual([]);
  expect(waiting.sleepingUntil?.slice(0, 10)).toBe(addMonths(contract.plannedAwardDate, -24)); // 003 action 2
  await toConsultation(d);
  await d.expectTasks(['cad-review']);
  await d.answer('cad-review', answers.cad);
  // 003 action 13 (fair trade, with a recognised label); 003 action 12 (the anti-discrimination tie-break on every contract).
  const consultation = await d.expectTasks([...common, 'anti-discrimination-clause', 'eco-labels', 'fair-trade', 'impact-data-clauses']);
  expect(consultation.openTasks.find((x) => x.kind === 'fair-trade')?.why).toContain('validité de 3 ans');
  await expect(d.answer('fair-trade', { fairTradeRequired: true })).rejects.toThrow(/labelsRequired : indiquez le label/);
});

it('follows amendments and suspension during execution, and pins the policy version', async () => {
  const now = await t.env.currentTimeMs();
  const contract = contractFacts(now, 24, { recurring: false, durationMonths: 24 });
  const d = await t.start(contract);
  for (const [kinds, reply] of [
    [['programming-questionnaire'], { 'programming-questionnaire': answers.programming }],
    [['sourcing'], { sourcing: answers.sourcing(false) }],
  ] as const) {
    await d.expectTasks([...kinds]);
    await d.answerAll(reply);
  }
  await d.expectTasks([
    'insertion-clause', 'allotment', 'environmental-considerations', 'eco-labels', 'anti-discrimination-clause', 'sme-advance',
    'mandatory-advance', 'price-revision', 'impact-data-clauses',
  ]);
  await d.answerAll({
    'insertion-clause': { feasible: false, justification: 'Prestation très spécialisée, sans main-d’œuvre' }, allotment: answers.allotment,
    'environmental-considerations': answers.environmental, 'eco-labels': answers.ecoLabels, 'anti-discrimination-clause': answers.antiDiscrimination,
    'sme-advance': answers.smeAdvance, 'mandatory-advance': answers.mandatoryAdvance, 'price-revision': answers.priceRevision,
    'impact-data-clauses': answers.impactData,
  });
  await d.expectTasks(['award-record']);
  const awardedAt = await t.env.currentTimeMs();
  await d.answer('award-record', answers.award(awardedAt, 24));
  await d.expectTasks(['kickoff-meeting']);
  await d.answer('kickoff-meeting', answers.kickoff(awardedAt));
  await d.expectPhase('execution');

  // Suspended for 18 months: the first review waits for the resumption.
  await d.event({ type: 'suspended', eventId: 'evt-s', reason: 'Travaux du bâtiment' });
  await d.skip(540 * DAY);
  expect(await d.settled()).toMatchObject({ status: 'suspended', openTasks: [] });
  await d.event({ type: 'resumed', eventId: 'evt-r' });
  await d.expectTasks(['annual-review'], { maxDays: 0 }); // no insertion clause: no hours to report
  await d.answer('annual-review', answers.review);

  // An amendment extends the contract by a year: a third review comes before the end.
  await d.event({ type: 'amended', eventId: 'evt-a', endDate: addMonths(isoDay(awardedAt), 36), amountHT: 420_000, reason: 'Prolongation' });
  await d.expectTasks(['annual-review']);
  await d.answer('annual-review', answers.review);
  // A late correction: the social clause was in fact dropped; the notification year's figures follow.
  await d.event({ type: 'amended', eventId: 'evt-c', social: ['Pas de considération sociale'], reason: 'Correction : clause sociale retirée' });
  await d.expectTasks(['annual-review']);
  await d.answer('annual-review', answers.review);
  expect(await d.expectClosed()).toBe('COMPLETED');
  const social = await t.db.indicatorEvent.findMany({ where: { contractId: contract.id, indicator: 'formal-social-considerations' }, orderBy: { occurredAt: 'asc' } });
  expect(social.map((e) => [e.year, Number(e.value), e.supersededBy === null])).toEqual([
    [Number(isoDay(awardedAt).slice(0, 4)), 1, false],
    [Number(isoDay(awardedAt).slice(0, 4)), 0, true],
  ]);
  const final = await d.status();
  expect(final).toMatchObject({ status: 'closed', yearsReviewed: 3, policyVersion: '2026.1' });
  const row = await t.db.contract.findUnique({ where: { id: contract.id } });
  expect(Number(row?.awardedAmountHt)).toBe(420_000);
  expect(row?.endDate?.toISOString().slice(0, 10)).toBe(addMonths(isoDay(awardedAt), 36));
  expect(row?.socialConsiderations).toEqual(['Pas de considération sociale']);
  const justification = await t.db.task.findFirst({ where: { contractId: contract.id, kind: 'insertion-clause' } });
  expect(justification?.answer).toMatchObject({ feasible: false, justification: expect.stringContaining('spécialisée') });
  await saveHistory('clermont-amended-suspended', d);
});
