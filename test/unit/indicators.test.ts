/** Indicator definitions as the seeds word them (issue 15, defects 3 and 10). */
import { describe, expect, it } from 'vitest';
import type { AwardAnswer } from '../../domain/answers';
import { awardIndicators, type IndicatorEvent } from '../../domain/indicators';
import type { IndicatorId, Policy } from '../../domain/policy';
import type { Decisions } from '../../domain/rules';
import { POLICIES_DIR, readPolicy } from '../../activities/policy';
import { answers, contractFacts } from '../support/contracts';

const clermont = await readPolicy(POLICIES_DIR, 'clermont');
const dijon = await readPolicy(POLICIES_DIR, 'dijon');
const NOTIFIED = Date.UTC(2026, 5, 1);
const formal = contractFacts(Date.UTC(2026, 0, 1), 24); // 400 000 € HT, appel d'offres
const award = (extra: Record<string, unknown> = {}) => answers.award(NOTIFIED, 30, extra) as AwardAnswer;

const events = (policy: Policy, decisions: Decisions, a = award(), contract = formal) => awardIndicators(contract, decisions, a, policy);
const one = (list: IndicatorEvent[], id: IndicatorId) => list.filter((e) => e.indicator === id);

describe('Clermont: formal procedures with an insertion clause (003:1592)', () => {
  it('counts the insertion clause retained at consultation and still in the contract, not any social clause', () => {
    // A "Clause sociale" that is an equality or anti-discrimination clause: no insertion clause was retained.
    const noInsertion = { 'insertion-clause': { feasible: false, justification: 'Prestation intellectuelle sans main-d’œuvre' } };
    expect(one(events(clermont, noInsertion), 'formal-insertion-clause')).toEqual([{ indicator: 'formal-insertion-clause', year: 2026, value: 0, inDenominator: true }]);
    // The insertion-clause task was never answered: nothing says an insertion clause is in the contract.
    expect(one(events(clermont, {}), 'formal-insertion-clause')[0]).toMatchObject({ value: 0, inDenominator: true });
    // Retained with the PLIE and awarded with it.
    const retained = { 'insertion-clause': answers.insertion(1200) };
    expect(one(events(clermont, retained), 'formal-insertion-clause')[0]).toMatchObject({ value: 1, inDenominator: true });
    // Retained, then withdrawn by an amendment (no social clause left): out of the numerator.
    expect(one(events(clermont, retained, award({ social: ['Pas de considération sociale'] })), 'formal-insertion-clause')[0]).toMatchObject({ value: 0 });
    // A MAPA is not in the denominator.
    expect(one(events(clermont, retained, award(), { ...formal, procedure: 'mapa', estimatedAmountHT: 150_000 }), 'formal-insertion-clause')[0]).toMatchObject({ inDenominator: false });
  });
});

describe('Dijon "indicateurs de réussite" (defect 10)', () => {
  it('counts a contract with a social clause in every year it runs, not only its notification year (001:420)', () => {
    // Notified 2026-06-01, runs 30 months: 2026, 2027, 2028.
    const running = one(events(dijon, {}), 'running-social-clause');
    expect(running.map((e) => [e.year, e.value, e.inDenominator])).toEqual([[2026, 1, true], [2027, 1, true], [2028, 1, true]]);
    const none = one(events(dijon, {}, award({ social: ['Critère social'] })), 'running-social-clause');
    expect(none.map((e) => [e.year, e.value, e.inDenominator])).toEqual([[2026, 0, true], [2027, 0, true], [2028, 0, true]]);
    expect(one(events(clermont, {}), 'running-social-clause')).toEqual([]); // not in Clermont's list
  });

  it('measures local purchases by amount, by supplier level (001:321-327)', () => {
    expect(one(events(dijon, {}, award({ supplier: { ...award().supplier, departement: '21', region: 'Bourgogne-Franche-Comté' } })), 'local-amount'))
      .toEqual([{ indicator: 'local-amount', year: 2026, value: 380_000, inDenominator: false, dimensions: { level: 'departement' } }]);
    expect(one(events(dijon, {}, award({ supplier: { ...award().supplier, departement: '71', region: 'Bourgogne-Franche-Comté' } })), 'local-amount')[0])
      .toMatchObject({ value: 380_000, dimensions: { level: 'region' } });
    // Auvergne supplier for Dijon: carried with 0, so a correction can take an amount out.
    expect(one(events(dijon, {}), 'local-amount')[0]).toMatchObject({ value: 0, dimensions: { level: 'hors-region' } });
  });

  it('keeps a contract that was asked the gender-equality question in the denominator when the task went unanswered', () => {
    const unanswered = one(events(dijon, {}), 'gender-equality-clause');
    expect(unanswered).toEqual([{ indicator: 'gender-equality-clause', year: 2026, value: 0, inDenominator: true }]);
    const answered = one(events(dijon, { 'equality-clauses': answers.equality }), 'gender-equality-clause');
    expect(answered[0]).toMatchObject({ value: 1, inDenominator: true });
    // Below the 10 000 € threshold the question is not asked: not in the denominator.
    const small = one(events(dijon, {}, award(), { ...formal, estimatedAmountHT: 8_000, procedure: 'mapa' }), 'gender-equality-clause');
    expect(small[0]).toMatchObject({ inDenominator: false });
  });
});

describe('Indicators of issue 15, round 2', () => {
  it('counts a contract with reserved lots among the reserved contracts (Dijon 001:390, 001:557)', () => {
    const lots = { 'reserved-lots': { lots: 9, reservedLots: [{ lot: 3, reservedTo: 'EA-ESAT' as const }] } };
    expect(one(events(dijon, lots, award({ social: ['Clause sociale'] })), 'reserved-contracts')[0]).toMatchObject({ value: 1 });
    expect(one(events(dijon, {}, award({ social: ['Clause sociale'] })), 'reserved-contracts')[0]).toMatchObject({ value: 0 });
    expect(one(events(dijon, {}, award({ social: ['Marché réservé'] })), 'reserved-contracts')[0]).toMatchObject({ value: 1 });
  });

  it('counts the bids of TPE/PME where the policy lists them (Dijon 001:271), nothing when the award does not say', () => {
    expect(one(events(dijon, {}, award({ bids: 5, smeBids: 3 })), 'sme-candidates')).toEqual([{ indicator: 'sme-candidates', year: 2026, value: 3, inDenominator: false }]);
    expect(one(events(dijon, {}, award({ smeBids: undefined })), 'sme-candidates')).toEqual([]);
    expect(one(events(clermont, {}, award({ bids: 5, smeBids: 3 })), 'sme-candidates')).toEqual([]); // not in Clermont's list
  });

  it('puts a supplier of one of the Métropole’s communes at the territory level, however its name is typed (001:323)', () => {
    const supplier = (commune?: string) => ({ ...award().supplier, departement: '21', region: 'Bourgogne-Franche-Comté', commune });
    expect(one(events(dijon, {}, award({ supplier: supplier('CHENOVE') })), 'local-amount')[0]).toMatchObject({ dimensions: { level: 'territoire' } });
    expect(one(events(dijon, {}, award({ supplier: supplier('Fontaine les Dijon') })), 'local-share')[0]).toMatchObject({ value: 1, dimensions: { level: 'territoire' } });
    expect(one(events(dijon, {}, award({ supplier: supplier('Beaune') })), 'local-amount')[0]).toMatchObject({ dimensions: { level: 'departement' } });
    expect(one(events(dijon, {}, award({ supplier: supplier() })), 'local-amount')[0]).toMatchObject({ dimensions: { level: 'departement' } });
  });

  it('takes the contracts "ciblés lors de la programmation" from the CAD’s decision where Clermont’s policy says so (003:215)', () => {
    const buyerSays = { 'programming-questionnaire': { ...answers.programming, circularEconomyTargeted: true, smeAccessTargeted: true } };
    const cad = (targetedFor: ('circular-economy' | 'sme-access')[]) => ({ 'cad-review': { sustainablePotential: 3, actionsRetained: [], targetedFor } });
    const denominators = (decisions: Decisions, policy = clermont) =>
      (['circular-economy-targeted', 'sme-targeted'] as const).map((id) => one(events(policy, decisions), id)[0]?.inDenominator);
    expect(denominators({ ...buyerSays, ...cad(['sme-access']) })).toEqual([false, true]);
    expect(denominators({ ...buyerSays, ...cad([]) })).toEqual([false, false]);
    // Not reviewed by the CAD (not recurring): the buyer's answer.
    expect(denominators(buyerSays)).toEqual([true, true]);
    // A policy before 2026.1 has no cadTargets: the buyer's answer, whatever the CAD said.
    const { cadTargets: _none, ...before } = clermont;
    expect(denominators({ ...buyerSays, ...cad([]) }, before)).toEqual([true, true]);
  });
});
