/**
 * Indicator events: the facts the SPASER figures are computed from. A share indicator's event says whether the
 * contract counts in the denominator and in the numerator (0/1); a count or sum indicator's event carries a value.
 */
import type { RecordedAward } from './answers';
import { addMonths } from './dates';
import { consultationChecks, isFormal, type Decisions } from './rules';
import type { ContractFacts, RecordedSupplier } from './contract';
import { LOCAL_LEVELS } from './indicator-catalog';
import type { CadTarget, IndicatorId, Policy } from './policy';

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

/**
 * The events of a contract notified (awarded): considerations, supplier profile, targeting at programming.
 * `asked`: false for a contract that entered at its award (a DECP import), which was never asked the earlier
 * questions: the indicators made of their answers leave it out, as do those needing a supplier fact its source lacks.
 */
export function awardIndicators(contract: ContractFacts, decisions: Decisions, award: RecordedAward, policy: Policy, asked = true): IndicatorEvent[] {
  const year = yearOf(award.notifiedOn);
  const social = award.social.filter((c) => c !== 'Pas de considération sociale');
  const env = award.environmental.filter((c) => c !== 'Pas de considération environnementale');
  const formal = isFormal(contract);
  const size = award.supplier.size;
  const sme = size === 'TPE' || size === 'PME';
  const level = localLevel(award.supplier, policy);
  const targeted = targetedFor(decisions, policy);
  const works = contract.nature === 'works';

  const known: IndicatorEvent[] = [
    share('env-criterion', year, env.includes('Critère environnemental')),
    share('env-considerations', year, env.length > 0),
    share('social-considerations', year, social.length > 0),
    share('formal-social-considerations', year, social.length > 0, formal),
    ...runningYears(award).map((y) => share('running-social-clause', y, social.includes('Clause sociale'))),
    // Counts carry 0 too: a later correction must be able to take a contract out of them.
    { indicator: 'reserved-contracts', year, value: isReserved(decisions, social) ? 1 : 0, inDenominator: false },
    { indicator: 'co-contracting', year, value: award.coContracting ? 1 : 0, inDenominator: false },
  ];
  const fromAnswers: IndicatorEvent[] = [
    share('formal-insertion-clause', year, hasInsertionClause(decisions, social), formal),
    share('circular-economy-targeted', year, award.circularEconomy, targeted.has('circular-economy')),
    share('eco-label-requirements', year, (decisions['eco-labels']?.labelsRequired.length ?? 0) > 0),
    share('global-cost-criterion', year, decisions['environmental-considerations']?.globalCostCriterion === true),
    // Every contract that was asked the question counts in the denominator, answered or not.
    share('gender-equality-clause', year, decisions['equality-clauses']?.genderEqualityClause === true, wasAsked(contract, decisions, policy, 'equality-clauses')),
    share('works-waste-clause', year, decisions['works-clauses']?.wasteClause === true, works),
    ...(size ? [share('sme-targeted', year, sme, targeted.has('sme-access'))] : []),
  ];
  const fromSupplier: IndicatorEvent[] = [
    ...(size ? [share('sme-share', year, sme)] : []),
    ...(level
      ? [
        { ...share('local-share', year, level !== 'hors-region'), dimensions: { level } },
        { indicator: 'local-amount' as const, year, value: level === 'hors-region' ? 0 : award.awardedAmountHT, inDenominator: false, dimensions: { level } },
      ]
      : []),
    ...(award.smeBids !== undefined ? [{ indicator: 'sme-candidates' as const, year, value: award.smeBids, inDenominator: false }] : []),
  ];
  return keepListed([...known, ...(asked ? fromAnswers : []), ...fromSupplier], policy);
}

/**
 * The goals a contract was targeted for at programming: the CAD's decision where the policy gives it that role
 * (Clermont 2026.1: the CAO president's list, 003:215), else the buyer's programming answer. A contract the CAD did
 * not review (not recurring) keeps the buyer's answer.
 */
function targetedFor(decisions: Decisions, policy: Policy): Set<CadTarget> {
  const cad = decisions['cad-review']?.targetedFor;
  if (policy.cadTargets && cad) return new Set(cad.filter((t) => policy.cadTargets!.includes(t)));
  const p = decisions['programming-questionnaire'];
  return new Set([...(p?.circularEconomyTargeted ? ['circular-economy' as const] : []), ...(p?.smeAccessTargeted ? ['sme-access' as const] : [])]);
}

/** A reserved contract, or a contract with at least one reserved lot (Dijon 001:390, 001:557). */
function isReserved(decisions: Decisions, social: string[]): boolean {
  return social.includes('Marché réservé') || (decisions['reserved-lots']?.reservedLots.length ?? 0) > 0;
}

/** Normalised commune name: case, accents, hyphens and apostrophes do not matter. */
const communeKey = (name: string) => name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

/** The supplier's nearest level: the collectivity's own communes, its département, its region, or further; unknown without its département. */
function localLevel(supplier: RecordedSupplier, policy: Policy): keyof typeof LOCAL_LEVELS | undefined {
  const { communes, departement, region } = policy.collectivity;
  if (supplier.commune && communes?.some((c) => communeKey(c) === communeKey(supplier.commune!))) return 'territoire';
  if (!supplier.departement) return undefined;
  if (supplier.departement === departement) return 'departement';
  return supplier.region === region ? 'region' : 'hors-region';
}

/**
 * An insertion clause (003:1592): retained at consultation (the insertion-clause decision, studied with the
 * insertion partner) and still in the contract as awarded or amended (its DECP "Clause sociale"). A "Clause sociale"
 * alone may be an equality or anti-discrimination clause, so it does not count by itself.
 */
function hasInsertionClause(decisions: Decisions, social: string[]): boolean {
  return decisions['insertion-clause']?.feasible === true && social.includes('Clause sociale');
}

/** Was this contract asked the check at consultation? The same rule as the workflow's, so the two cannot drift. */
function wasAsked(contract: ContractFacts, decisions: Decisions, policy: Policy, kind: 'equality-clauses'): boolean {
  return consultationChecks({ contract, policy, decisions }).some((c) => c.kind === kind);
}

/** The calendar years a contract runs, from its start date to its end date as awarded (at most 20). */
function runningYears(award: RecordedAward): number[] {
  const from = yearOf(award.startDate);
  const to = Math.min(Math.max(yearOf(award.endDate), from), from + 19);
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
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
