import { afterEach, beforeEach, expect, it } from 'vitest';
import { addMonths, isoDay } from '../../domain/dates';
import { contractEventSignal } from '../../workflows/contract-lifecycle';
import { answers, contractFacts } from '../support/contracts';
import { saveHistory } from '../support/histories';
import { lifecycleEnv, type LifecycleEnv } from '../support/lifecycle-env';

let t: LifecycleEnv;
// One server per test: terminated workflows can leave the time-skipping clock locked for the next test.
beforeEach(async () => void (t = await lifecycleEnv()));
afterEach(async () => t?.teardown());

const DAY = 86_400_000;

it('gives Dijon and Clermont different prompts for the same contract where their texts differ', async () => {
  const now = await t.env.currentTimeMs();
  const base = { object: 'Objets promotionnels', cpv: '39294100', estimatedAmountHT: 150_000, recurring: true, plannedAwardDate: addMonths(isoDay(now), 30) };
  const dijon = await t.start(contractFacts(now, 30, { ...base, collectivityId: 'dijon', id: `D-${now}` }));
  const clermont = await t.start(contractFacts(now, 30, { ...base, collectivityId: 'clermont', id: `C-${now}` }));

  // Dijon programs 36 months ahead (001): the questions come at once. Clermont waits for J-24 (003 action 2).
  await dijon.expectTasks(['programming-questionnaire'], { maxDays: 0 });
  const waiting = await clermont.status();
  expect(waiting.openTasks).toEqual([]);
  expect(waiting.sleepingUntil?.slice(0, 10)).toBe(addMonths(base.plannedAwardDate, -24));

  // Time skips for every workflow at once: drive Dijon to its consultation before moving Clermont's clock.
  const toConsultation = async (d: typeof dijon) => {
    await d.expectTasks(['programming-questionnaire']);
    await d.answer('programming-questionnaire', answers.programming);
    await d.expectTasks(['sourcing']);
    await d.answer('sourcing', answers.sourcing(false));
  };
  const common = ['insertion-clause', 'allotment', 'environmental-considerations', 'equality-clauses', 'financial-terms'] as const;
  await toConsultation(dijon);
  // No yearly committee in Dijon; no fair trade for promotional items either (its texts keep it to catering).
  await dijon.expectTasks([...common], { maxDays: 0 });
  await dijon.stop();

  await toConsultation(clermont);
  // Clermont: the CAD rates recurring contracts at J-12 (003 action 2), then fair trade (action 13) and eco-labels.
  await clermont.expectTasks(['cad-review']);
  await clermont.answer('cad-review', answers.cad);
  await clermont.expectTasks([...common, 'eco-labels', 'fair-trade']);
  await clermont.stop();
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
  await d.expectTasks(['insertion-clause', 'allotment', 'environmental-considerations', 'eco-labels', 'equality-clauses', 'financial-terms']);
  await d.answerAll({
    'insertion-clause': { feasible: false, justification: 'Prestation très spécialisée, sans main-d’œuvre' }, allotment: answers.allotment,
    'environmental-considerations': answers.environmental, 'eco-labels': answers.ecoLabels, 'equality-clauses': answers.equality, 'financial-terms': answers.financial,
  });
  await d.expectTasks(['award-record']);
  const awardedAt = await t.env.currentTimeMs();
  await d.answer('award-record', answers.award(awardedAt, 24));
  await d.expectTasks(['kickoff-meeting']);
  await d.answer('kickoff-meeting', answers.kickoff(awardedAt));
  await d.expectPhase('execution');

  // Suspended for 18 months: the first review waits for the resumption.
  await d.handle.signal(contractEventSignal, { type: 'suspended', eventId: 'evt-s', reason: 'Travaux du bâtiment' });
  await t.env.sleep(540 * DAY);
  expect((await d.status()).openTasks).toEqual([]);
  await d.handle.signal(contractEventSignal, { type: 'resumed', eventId: 'evt-r' });
  await d.expectTasks(['annual-review'], { maxDays: 0 }); // no insertion clause: no hours to report
  await d.answer('annual-review', answers.review);

  // An amendment extends the contract by a year: a third review comes before the end.
  await d.handle.signal(contractEventSignal, { type: 'amended', eventId: 'evt-a', endDate: addMonths(isoDay(awardedAt), 36), amountHT: 420_000, reason: 'Prolongation' });
  await d.expectTasks(['annual-review']);
  await d.answer('annual-review', answers.review);
  await d.expectTasks(['annual-review']);
  await d.answer('annual-review', answers.review);
  expect(await d.expectClosed()).toBe('COMPLETED');
  const final = await d.status();
  expect(final).toMatchObject({ status: 'closed', yearsReviewed: 3, policyVersion: '2024.1' });
  const row = await t.db.contract.findUnique({ where: { id: contract.id } });
  expect(Number(row?.awardedAmountHt)).toBe(420_000);
  expect(row?.endDate?.toISOString().slice(0, 10)).toBe(addMonths(isoDay(awardedAt), 36));
  const justification = await t.db.task.findFirst({ where: { contractId: contract.id, kind: 'insertion-clause' } });
  expect(justification?.answer).toMatchObject({ feasible: false, justification: expect.stringContaining('spécialisée') });
  await saveHistory('clermont-amended-suspended', d);
});
