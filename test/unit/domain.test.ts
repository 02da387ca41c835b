import { describe, expect, it } from 'vitest';
import { parseAnswer } from '../../domain/answers';
import { addMonths } from '../../domain/dates';
import { awardIndicators, insertionHoursYear } from '../../domain/indicators';
import { taskTimeline } from '../../domain/task-timeline';
import { POLICIES_DIR, readPolicy } from '../../activities/policy';
import { answers, contractFacts } from '../support/contracts';

const DAY = 86_400_000;

describe('task timeline', () => {
  it('reminds from the due date, escalates once, then gives up', () => {
    const t = taskTimeline(0, { dueDays: 14, reminderEveryDays: 7, escalateAfterDays: 21, giveUpAfterDays: 60 });
    expect(t.dueAt).toBe(14 * DAY);
    expect(t.steps.map((s) => [s.action, s.at / DAY])).toEqual([['remind', 14], ['remind', 21], ['remind', 28], ['escalate', 35], ['give-up', 74]]);
  });

  const delays = { dueDays: 14, reminderEveryDays: 7, escalateAfterDays: 21, giveUpAfterDays: 60 };
  it('keeps a later deadline of the step’s own', () => {
    const t = taskTimeline(0, delays, 30 * DAY);
    expect(t.dueAt).toBe(30 * DAY);
    expect(t.steps.map((s) => [s.action, s.at / DAY])).toEqual([['remind', 30], ['remind', 37], ['remind', 44], ['escalate', 51], ['give-up', 90]]);
  });

  it('counts the follow-up of a question opened past its deadline from its opening, with no reminder on top of its opening mail', () => {
    const t = taskTimeline(100 * DAY, delays, 40 * DAY);
    expect(t.dueAt).toBe(40 * DAY);
    expect(t.steps.map((s) => [s.action, s.at / DAY])).toEqual([['remind', 107], ['remind', 114], ['escalate', 121], ['give-up', 160]]);
  });
});

describe('answers', () => {
  it('accepts a complete answer and names each wrong field in French', () => {
    expect(parseAnswer('insertion-clause', { feasible: true, hours: 300 })).toEqual({ ok: true, value: { feasible: true, hours: 300 } });
    expect(parseAnswer('insertion-clause', { feasible: true })).toEqual({ ok: false, error: "hours : nombre d'heures d'insertion requis" });
    expect(parseAnswer('insertion-clause', { feasible: false, justification: 'non' })).toMatchObject({ ok: false, error: expect.stringMatching(/^justification : justification de 10 caractères/) });
    expect(parseAnswer('allotment', { lots: 'trois' })).toMatchObject({ ok: false, error: expect.stringMatching(/^lots : /) });
  });
});

describe('dates', () => {
  it('adds months, clamping to the end of shorter months', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-03-15', -24)).toBe('2024-03-15');
  });
});

describe('award indicators', () => {
  it('counts a formal contract with an insertion clause, SME and environmental criterion, for the policy’s indicators only', async () => {
    const clermont = await readPolicy(POLICIES_DIR, 'clermont');
    const contract = contractFacts(Date.UTC(2026, 0, 1), 24);
    const award = answers.award(Date.UTC(2026, 5, 1), 48) as never;
    const events = awardIndicators(contract, { 'programming-questionnaire': answers.programming, 'insertion-clause': answers.insertion(1200) }, award, clermont);
    const byId = Object.fromEntries(events.map((e) => [e.indicator, e]));
    expect(byId['formal-insertion-clause']).toEqual({ indicator: 'formal-insertion-clause', year: 2026, value: 1, inDenominator: true });
    expect(byId['sme-targeted']).toMatchObject({ value: 1, inDenominator: true });
    expect(byId['env-criterion']).toMatchObject({ value: 1 });
    expect(byId['local-share']).toBeUndefined(); // not in Clermont's list
    for (const e of events) expect(clermont.indicators).toContain(e.indicator);
  });
});

describe('insertion hours', () => {
  it('count in the calendar year of the review that reports them, not under the execution year', () => {
    expect(insertionHoursYear('2024-03-01', 1)).toBe(2025);
    expect(insertionHoursYear('2024-03-01', 2)).toBe(2026);
    expect(insertionHoursYear('2024-12-31', 1)).toBe(2025);
  });
});

describe('answers that depend on the contract (issue 15)', () => {
  const ctx = async (o: Parameters<typeof contractFacts>[2] = {}) => ({
    contract: contractFacts(Date.UTC(2026, 0, 1), 24, o), policy: await readPolicy(POLICIES_DIR, 'clermont'),
  });

  it('refuse a MAPA without negotiation unless it is justified (003 action 20)', () => {
    expect(parseAnswer('negotiation', { negotiation: false })).toMatchObject({ ok: false, error: expect.stringMatching(/^justification : motivez/) });
    expect(parseAnswer('negotiation', { negotiation: false, justification: 'Offre unique, conforme et au juste prix' }).ok).toBe(true);
  });

  it('refuse "no advance" when it is mandatory, and an SME rate under 10 % (003 action 17)', async () => {
    const c = await ctx({ estimatedAmountHT: 300_000, durationMonths: 36 });
    expect(parseAnswer('mandatory-advance', { advancePercent: 0 }, c)).toMatchObject({ ok: false, error: expect.stringMatching(/^advancePercent : /) });
    expect(parseAnswer('mandatory-advance', { advancePercent: 10 }, c).ok).toBe(true);
    expect(parseAnswer('sme-advance', { smeAdvancePercent: 5, guaranteeRequired: false, justification: 'Trésorerie suffisante des PME' }, c))
      .toMatchObject({ ok: false, error: expect.stringMatching(/^smeAdvancePercent : au moins 10 %/) });
    expect(parseAnswer('sme-advance', { smeAdvancePercent: 10, guaranteeRequired: false }, c).ok).toBe(true);
  });

  it('require a justification for an SME advance below 30 % or with a guarantee, under 215 000 € HT', async () => {
    const c = await ctx({ estimatedAmountHT: 40_000, durationMonths: 12 });
    expect(parseAnswer('sme-advance', { smeAdvancePercent: 30, guaranteeRequired: false }, c).ok).toBe(true);
    expect(parseAnswer('sme-advance', { smeAdvancePercent: 20, guaranteeRequired: false }, c)).toMatchObject({ ok: false, error: expect.stringMatching(/^justification : /) });
    expect(parseAnswer('sme-advance', { smeAdvancePercent: 30, guaranteeRequired: true }, c)).toMatchObject({ ok: false, error: expect.stringMatching(/^justification : /) });
  });

  it('refuse a price revision left out of a contract over a year without a justification (003 action 19)', () => {
    expect(parseAnswer('price-revision', { priceRevision: false })).toMatchObject({ ok: false, error: expect.stringMatching(/^justification : /) });
  });

  it('record the recognised fair-trade label required, when the policy lists them (003 action 13)', async () => {
    const c = await ctx({ cpv: '15800000' });
    expect(parseAnswer('fair-trade', { fairTradeRequired: true }, c)).toMatchObject({ ok: false, error: expect.stringMatching(/^labelsRequired : /) });
    expect(parseAnswer('fair-trade', { fairTradeRequired: true, labelsRequired: ['Label maison'] }, c)).toMatchObject({ ok: false, error: expect.stringMatching(/Label maison/) });
    expect(parseAnswer('fair-trade', { fairTradeRequired: true, labelsRequired: ['Fair for Life'] }, c).ok).toBe(true);
  });

  it('still parse the answers recorded under older policies', async () => {
    const c = await ctx();
    const old = { ...c, policy: { ...c.policy, fairTradeLabels: undefined } };
    expect(parseAnswer('fair-trade', { fairTradeRequired: true }, old).ok).toBe(true);
    expect(parseAnswer('financial-terms', { smeAdvancePercent: 30, advance: false, priceRevision: true, negotiation: false }).ok).toBe(true);
    expect(parseAnswer('equality-clauses', answers.equality).ok).toBe(true);
  });
});

describe('reserved lots and impact clauses (issue 15, defects 4 and 8)', () => {
  it('records which lots are reserved and to whom, numbered within the contract’s lots, each once', () => {
    const twoOfNine = { lots: 9, reservedLots: [{ lot: 3, reservedTo: 'EA-ESAT' }, { lot: 7, reservedTo: 'SIAE' }] };
    expect(parseAnswer('reserved-lots', twoOfNine)).toEqual({ ok: true, value: twoOfNine });
    expect(parseAnswer('reserved-lots', { lots: 9, reservedLots: [{ lot: 10, reservedTo: 'ESS' }] }))
      .toMatchObject({ ok: false, error: 'reservedLots.0.lot : lot 10 : le marché compte 9 lots' });
    expect(parseAnswer('reserved-lots', { lots: 9, reservedLots: [{ lot: 3, reservedTo: 'SIAE' }, { lot: 3, reservedTo: 'ESS' }] }))
      .toMatchObject({ ok: false, error: 'reservedLots.1.lot : lot 3 indiqué deux fois' });
    expect(parseAnswer('reserved-lots', { lots: 9, reservedLots: [{ lot: 3, reservedTo: 'Association' }] })).toMatchObject({ ok: false, error: expect.stringMatching(/^reservedLots\.0\.reservedTo : /) });
    expect(parseAnswer('reserved-lots', { lots: 9 })).toMatchObject({ ok: false, error: expect.stringMatching(/^justification : justifiez pourquoi aucun lot/) });
    expect(parseAnswer('reserved-lots', { lots: 9, reservedLots: [], justification: 'Aucune offre inclusive sur ces lots' }).ok).toBe(true);
  });

  it('require the impacts tracked, or why no clause; the over-packaging and transport dispositions, or why not', () => {
    expect(parseAnswer('impact-data-clauses', { dataClause: true, limitationClause: false })).toMatchObject({ ok: false, error: expect.stringMatching(/^impactsTracked : /) });
    expect(parseAnswer('impact-data-clauses', { dataClause: true, impactsTracked: ['Livraisons', 'Émissions de GES'], limitationClause: true }).ok).toBe(true);
    expect(parseAnswer('impact-data-clauses', { dataClause: false, limitationClause: false })).toMatchObject({ ok: false, error: expect.stringMatching(/^justification : /) });
    expect(parseAnswer('packaging-clauses', { overPackagingReduction: false, packagingTakeBack: true })).toMatchObject({ ok: false, error: expect.stringMatching(/^justification : /) });
    expect(parseAnswer('packaging-clauses', { overPackagingReduction: true, packagingTakeBack: false }).ok).toBe(true);
    expect(parseAnswer('transport-clauses', { deliveryOptimisation: false, cleanerTransport: false })).toMatchObject({ ok: false, error: expect.stringMatching(/^justification : /) });
    expect(parseAnswer('transport-clauses', { deliveryOptimisation: false, cleanerTransport: true }).ok).toBe(true);
  });

  it('still parse the reservation and works answers recorded before', () => {
    expect(parseAnswer('reservation', answers.reservation('EA-ESAT')).ok).toBe(true);
    expect(parseAnswer('works-clauses', answers.works).ok).toBe(true);
  });
});

describe('answers that depend on the pinned policy (issue 15, round 2)', () => {
  const contract = contractFacts(Date.UTC(2026, 0, 1), 24);
  it('requires the CAO president’s targeting in the CAD answer where the policy makes it decide (003:215)', async () => {
    const clermont = await readPolicy(POLICIES_DIR, 'clermont');
    const rated = { sustainablePotential: 3, actionsRetained: ['action 8'] };
    expect(parseAnswer('cad-review', rated, { contract, policy: clermont })).toMatchObject({ ok: false, error: expect.stringMatching(/^targetedFor : indiquez pour quels objectifs/) });
    expect(parseAnswer('cad-review', { ...rated, targetedFor: [] }, { contract, policy: clermont }).ok).toBe(true);
    expect(parseAnswer('cad-review', { ...rated, targetedFor: ['tpe'] }, { contract, policy: clermont }).ok).toBe(false);
    const { cadTargets: _none, ...before } = clermont;
    expect(parseAnswer('cad-review', rated, { contract, policy: before }).ok).toBe(true);
  });

  it('takes the bids from TPE/PME, never more than the bids (Dijon 001:271)', async () => {
    const dijon = await readPolicy(POLICIES_DIR, 'dijon');
    const { smeBids: _given, ...award } = answers.award(Date.UTC(2026, 5, 1), 24) as Record<string, unknown>;
    expect(parseAnswer('award-record', { ...award, bids: 4, smeBids: 5 }, { contract, policy: dijon })).toMatchObject({ ok: false, error: 'smeBids : au plus 4, le nombre d’offres reçues' });
    expect(parseAnswer('award-record', { ...award, bids: 4, smeBids: 2 }, { contract, policy: dijon }).ok).toBe(true);
    expect(parseAnswer('award-record', award, { contract, policy: dijon }).ok).toBe(true);
  });
});
