/**
 * Indicator events: the facts the SPASER figures are computed from. A share indicator's event says whether the
 * contract counts in the denominator and in the numerator (0/1); a count or sum indicator's event carries a value.
 */
import type { AwardAnswer } from './answers';
import { addMonths } from './dates';
import { isFormal, type Decisions } from './rules';
import type { ContractFacts } from './contract';
import type { IndicatorId, Policy } from './policy';

export interface IndicatorEvent {
  indicator: IndicatorId;
  year: number;
  value: number;
  /** Share indicators: does this contract count in the denominator? Counts and sums: false. */
  inDenominator: boolean;
  dimensions?: Record<string, string>;
}

const yearOf = (isoDate: string) => Number(isoDate.slice(0, 4));
const share = (indicator: IndicatorId, year: number, counted: boolean, eligible = true): IndicatorEvent =>
  ({ indicator, year, value: eligible && counted ? 1 : 0, inDenominator: eligible });

/** The events of a contract notified (awarded): considerations, supplier profile, targeting at programming. */
export function awardIndicators(contract: ContractFacts, decisions: Decisions, award: AwardAnswer, policy: Policy): IndicatorEvent[] {
  const year = yearOf(award.notifiedOn);
  const social = award.social.filter((c) => c !== 'Pas de considération sociale');
  const env = award.environmental.filter((c) => c !== 'Pas de considération environnementale');
  const formal = isFormal(contract);
  const sme = award.supplier.size === 'TPE' || award.supplier.size === 'PME';
  const level = award.supplier.departement === policy.collectivity.departement ? 'departement'
    : award.supplier.region === policy.collectivity.region ? 'region' : 'hors-region';
  const programming = decisions['programming-questionnaire'];
  const equality = decisions['equality-clauses'];
  const works = contract.nature === 'works';

  const events: IndicatorEvent[] = [
    share('env-criterion', year, env.includes('Critère environnemental')),
    share('env-considerations', year, env.length > 0),
    share('social-considerations', year, social.length > 0),
    share('formal-insertion-clause', year, social.includes('Clause sociale'), formal),
    share('formal-social-considerations', year, social.length > 0, formal),
    share('circular-economy-targeted', year, award.circularEconomy, programming?.circularEconomyTargeted === true),
    share('sme-targeted', year, sme, programming?.smeAccessTargeted === true),
    share('sme-share', year, sme),
    { ...share('local-share', year, level !== 'hors-region'), dimensions: { level } },
    share('eco-label-requirements', year, (decisions['eco-labels']?.labelsRequired.length ?? 0) > 0),
    share('global-cost-criterion', year, decisions['environmental-considerations']?.globalCostCriterion === true),
    // Asked only from the policy's threshold: the question's presence says the contract is eligible.
    share('gender-equality-clause', year, equality?.genderEqualityClause === true, equality !== undefined),
    share('works-waste-clause', year, decisions['works-clauses']?.wasteClause === true, works),
  ];
  // Counts carry 0 too: a later correction must be able to take a contract out of them.
  events.push({ indicator: 'reserved-contracts', year, value: social.includes('Marché réservé') ? 1 : 0, inDenominator: false });
  events.push({ indicator: 'co-contracting', year, value: award.coContracting ? 1 : 0, inDenominator: false });
  return keepListed(events, policy);
}

export function unsuccessfulIndicators(at: string, policy: Policy): IndicatorEvent[] {
  return keepListed([{ indicator: 'unsuccessful-procedures', year: yearOf(at), value: 1, inDenominator: false }], policy);
}

export function sourcingIndicators(at: string, decisions: Decisions, policy: Policy): IndicatorEvent[] {
  if (!decisions.sourcing?.sessionHeld) return [];
  return keepListed([{ indicator: 'sourcing-sessions', year: yearOf(at), value: 1, inDenominator: false }], policy);
}

/** Hours of execution year n count in the calendar year of the review that reports them: start + n years. */
export function insertionHoursYear(startDate: string, executionYear: number): number {
  return yearOf(addMonths(startDate, 12 * executionYear));
}

export function insertionHoursIndicators(year: number, hours: number, policy: Policy): IndicatorEvent[] {
  return keepListed([{ indicator: 'insertion-hours', year, value: hours, inDenominator: false }], policy);
}

/** Each collectivity records only the indicators its policy lists. */
function keepListed(events: IndicatorEvent[], policy: Policy): IndicatorEvent[] {
  return events.filter((e) => policy.indicators.includes(e.indicator));
}
