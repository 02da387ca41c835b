/**
 * The explicit entry of a contract notified before the product knew it (issue 17, a DECP import): its award recorded
 * from the source, no earlier question asked or made up, the past anniversaries skipped, the next one reviewed.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { NotifiedAward } from '../../domain/answers';
import { addMonths, isoDay } from '../../domain/dates';
import { contractFacts } from '../support/contracts';
import { saveHistory } from '../support/histories';
import { lifecycleEnv, type LifecycleEnv } from '../support/lifecycle-env';

let t: LifecycleEnv;
beforeAll(async () => void (t = await lifecycleEnv()));
afterAll(async () => t?.teardown());

const DAY = 86_400_000;

/** As readDecp gives it: the supplier's SIRET only. */
const notified = (on: string, months: number): NotifiedAward => ({
  awardedAmountHT: 575_000, notifiedOn: on, startDate: on, endDate: addMonths(on, months), supplier: { siret: '55204599900869' }, bids: 3,
  coContracting: false, circularEconomy: false, social: ['Clause sociale', 'Critère social'], environmental: ['Pas de considération environnementale'], labelsHeld: [],
});

it('a running contract enters at its award: no question before it, its next anniversary reviewed, not the past ones', async () => {
  const now = await t.env.currentTimeMs();
  const on = addMonths(isoDay(now), -26); // two anniversaries past
  const contract = contractFacts(now, -26, { collectivityId: 'dijon', durationMonths: 48, recurring: false, cpv: '45000000', nature: 'works', manager: undefined });
  const d = await t.start(contract, { notified: notified(on, 48) });

  const s = await d.expectPhase('execution');
  expect(s.openTasks).toEqual([]);
  expect(s.yearsReviewed).toBe(2);
  expect(s.sleepingUntil?.slice(0, 10)).toBe(addMonths(on, 36));
  expect(s.history.map((h) => h.action)).toEqual(expect.arrayContaining(['contract.registered', 'contract.entered-at-award']));
  const row = await t.db.contract.findUniqueOrThrow({ where: { id: contract.id } });
  expect(row).toMatchObject({ supplierSiret: '55204599900869', phase: 'execution' });
  expect(await t.db.supplier.findUnique({ where: { siret: '55204599900869' } })).toMatchObject({ name: null, size: null });
  const indicators = (await t.db.indicatorEvent.findMany({ where: { contractId: contract.id } })).map((i) => i.indicator);
  expect(indicators).toEqual(expect.arrayContaining(['social-considerations', 'env-considerations', 'running-social-clause', 'co-contracting']));
  for (const left of ['formal-insertion-clause', 'eco-label-requirements', 'sme-share', 'local-share', 'gender-equality-clause']) expect(indicators).not.toContain(left);
  expect(await t.db.task.count({ where: { contractId: contract.id } })).toBe(0);

  // The third anniversary: its review, due dueDays after it.
  await d.skip(Date.parse(s.sleepingUntil!) - (await t.env.currentTimeMs()) + DAY);
  const third = await d.expectTasks(['annual-review']);
  expect(third.openTasks[0]!.id).toMatch(/:y3$/);
  await saveHistory('dijon-entered-at-award', d);
  await d.stop();
});

it('an ended contract records its notification year’s figures and closes at once', async () => {
  const now = await t.env.currentTimeMs();
  const on = addMonths(isoDay(now), -30);
  const contract = contractFacts(now, -30, { collectivityId: 'dijon', durationMonths: 12, recurring: false, manager: undefined });
  const d = await t.start(contract, { notified: notified(on, 12) });
  const s = await d.expectPhase('closure');
  expect(s.status).toBe('closed');
  expect(await d.expectClosed()).toBe('COMPLETED');
  const years = await t.db.indicatorEvent.findMany({ where: { contractId: contract.id, indicator: 'social-considerations' } });
  expect(years.map((y) => y.year)).toEqual([Number(on.slice(0, 4))]);
});
