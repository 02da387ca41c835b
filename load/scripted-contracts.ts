/**
 * Generated contracts for load runs (benchmark, fault suite): every date of their lifecycle already lies in the
 * past, so a contract runs from programming to closure as fast as its answers come, through every real step
 * (checks, mails, records, two execution years with a continue-as-new between them).
 */
import type { Answers } from '../domain/answers';
import type { ContractFacts } from '../domain/contract';
import { addMonths, isoDay } from '../domain/dates';
import type { CheckKind } from '../domain/policy';
import { random } from './random';

export interface ScriptedContract {
  facts: ContractFacts;
  /** The answer its people give to each check, whichever the rules ask. */
  answers: { [K in CheckKind]: Answers[K] };
  /** Where the lifecycle ends: closed at its end date, or unsuccessful at award. */
  expected: 'closed' | 'unsuccessful';
}

const COLLECTIVITIES = ['clermont', 'dijon'] as const;
const SERVICES = ['Bâtiments', 'Voirie', 'Restauration', 'Informatique'] as const;
const JUSTIFIED = 'Justification générée pour la charge';

export function scriptedContracts(count: number, { prefix, seed = 7, nowMs = Date.now() }: { prefix: string; seed?: number; nowMs?: number }): ScriptedContract[] {
  const r = random(seed);
  const today = isoDay(nowMs);
  const start = addMonths(today, -26);
  return Array.from({ length: count }, (_, i) => {
    const collectivityId = r.pick(COLLECTIVITIES);
    const nature = r.pick(['works', 'supplies', 'services'] as const);
    const amount = Math.round(40_000 + r.next() * 3_000_000);
    const unsuccessful = r.chance(0.05);
    const facts: ContractFacts = {
      id: `${prefix}-${i}`, collectivityId, object: `Marché de charge n°${i}`, nature, cpv: '45000000', estimatedAmountHT: amount,
      procedure: r.pick(['mapa', 'appel-offres'] as const), lots: 0, durationMonths: 24, plannedAwardDate: addMonths(today, -27),
      recurring: false, buyingService: r.pick(SERVICES), buyer: { name: 'Acheteur de charge', email: `acheteur${i % 13}@${collectivityId}.test` },
    };
    const award: Answers['award-record'] = unsuccessful
      ? { outcome: 'unsuccessful', reason: 'Aucune offre recevable reçue' }
      : {
          outcome: 'awarded', awardedAmountHT: amount, notifiedOn: start, startDate: start, endDate: addMonths(start, 24),
          supplier: {
            siret: String(10_000_000_000_000 + i), name: `Fournisseur ${i}`, size: r.pick(['TPE', 'PME', 'ETI', 'GE'] as const),
            socialStatus: 'none', departement: r.pick(['63', '21', '75']), region: 'Auvergne-Rhône-Alpes',
          },
          bids: 3, smeBids: i % 3, coContracting: r.chance(0.15), circularEconomy: r.chance(0.4),
          social: r.chance(0.5) ? ['Clause sociale'] : ['Pas de considération sociale'],
          environmental: r.chance(0.6) ? ['Clause environnementale'] : ['Pas de considération environnementale'], labelsHeld: [],
        };
    return {
      facts,
      expected: unsuccessful ? 'unsuccessful' : 'closed',
      answers: {
        'programming-questionnaire': {
          needConfirmed: true, circularEconomyTargeted: r.chance(0.4), essPotential: r.chance(0.3), smeAccessTargeted: true, innovation: false, lifeCycleAnalysis: false,
        },
        'cad-review': { sustainablePotential: 3, actionsRetained: ['action 8'], targetedFor: i % 2 ? ['circular-economy'] : [] },
        sourcing: { sessionHeld: r.chance(0.5), inclusiveOffersFound: r.chance(0.3) },
        'insertion-clause': r.chance(0.5) ? { feasible: true, hours: 500 } : { feasible: false, justification: JUSTIFIED },
        reservation: { reserved: false, justification: JUSTIFIED },
        'reserved-lots': { lots: 2, reservedLots: [{ lot: 2, reservedTo: 'EA-ESAT' }] },
        allotment: { lots: 2 },
        'environmental-considerations': { criterion: true, criterionWeightPercent: 15, clause: r.chance(0.5), globalCostCriterion: false },
        'eco-labels': { labelsRequired: [], justification: JUSTIFIED },
        'equality-clauses': { genderEqualityClause: true, antiDiscriminationClause: true },
        'anti-discrimination-clause': { antiDiscriminationClause: true },
        'fair-trade': { fairTradeRequired: true, labelsRequired: ['Fair for Life'] },
        'financial-terms': { smeAdvancePercent: 30, advance: true, priceRevision: true, negotiation: false, justification: JUSTIFIED },
        'sme-advance': { smeAdvancePercent: 30, guaranteeRequired: false },
        'mandatory-advance': { advancePercent: 10 },
        'price-revision': { priceRevision: true },
        negotiation: { negotiation: true },
        'works-clauses': { wasteClause: true, ghgReporting: false, carbonOffset: false },
        'impact-data-clauses': { dataClause: true, impactsTracked: ['Livraisons', 'Émissions de GES'], limitationClause: false },
        'packaging-clauses': { overPackagingReduction: true, packagingTakeBack: i % 2 === 0 },
        'transport-clauses': { deliveryOptimisation: true, cleanerTransport: i % 3 === 0 },
        'award-record': award,
        'kickoff-meeting': { heldOn: start, partnerAttended: true },
        'annual-review': { score: 4, progressPlan: 'Plan de progrès généré' },
        'insertion-hours': { hours: 250 },
        'label-validity': { stillValid: true },
      },
    };
  });
}
