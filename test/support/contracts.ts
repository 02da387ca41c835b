import type { ContractFacts } from '../../domain/contract';
import { addMonths, isoDay } from '../../domain/dates';

/** A contract's facts, planned `monthsAhead` from `nowMs`; override what the scenario is about. */
export function contractFacts(nowMs: number, monthsAhead: number, overrides: Partial<ContractFacts> = {}): ContractFacts {
  return {
    id: `T-${Math.random().toString(36).slice(2, 10)}`,
    collectivityId: 'clermont',
    object: 'Produits d’entretien des bâtiments municipaux',
    nature: 'supplies',
    cpv: '39830000',
    estimatedAmountHT: 400_000,
    procedure: 'appel-offres',
    lots: 0,
    durationMonths: 48,
    plannedAwardDate: addMonths(isoDay(nowMs), monthsAhead),
    recurring: true,
    buyingService: 'Direction des bâtiments',
    buyer: { name: 'Camille Martin', email: 'camille.martin@clermont.test' },
    manager: { name: 'Dominique Bernard', email: 'dominique.bernard@clermont.test' },
    ...overrides,
  };
}

export const answers = {
  programming: {
    needConfirmed: true, sobrietyMeasures: 'Dosage centralisé', circularEconomyTargeted: true, essPotential: true,
    smeAccessTargeted: true, innovation: false, lifeCycleAnalysis: false,
  },
  cad: { sustainablePotential: 4, actionsRetained: ['action 8', 'action 22'], targetedFor: ['circular-economy', 'sme-access'] },
  sourcing: (inclusiveOffersFound: boolean) => ({ sessionHeld: true, inclusiveOffersFound }),
  insertion: (hours: number) => ({ feasible: true, hours }),
  allotment: { lots: 3 },
  environmental: { criterion: true, criterionWeightPercent: 20, clause: true, globalCostCriterion: true },
  ecoLabels: { labelsRequired: ['Écolabel européen'] },
  equality: { genderEqualityClause: true, antiDiscriminationClause: true },
  antiDiscrimination: { antiDiscriminationClause: true },
  /** The single financial-terms answer of policies before 2026.1 (kept for old pinned policies). */
  financial: { smeAdvancePercent: 30, advance: true, priceRevision: true, negotiation: false, justification: 'Appel d’offres ouvert, négociation interdite' },
  smeAdvance: { smeAdvancePercent: 30, guaranteeRequired: false },
  mandatoryAdvance: { advancePercent: 10 },
  priceRevision: { priceRevision: true },
  negotiation: { negotiation: true },
  works: { wasteClause: true, ghgReporting: true, carbonOffset: false },
  impactData: { dataClause: true, impactsTracked: ['Livraisons', 'Émissions de GES'], limitationClause: false },
  packaging: { overPackagingReduction: true, packagingTakeBack: true },
  transport: { deliveryOptimisation: true, cleanerTransport: false },
  /** Dijon's work clothing: 2 lots out of 9 reserved (001:390). */
  reservedLots: { lots: 9, reservedLots: [{ lot: 3, reservedTo: 'EA-ESAT' }, { lot: 7, reservedTo: 'SIAE' }] },
  fairTrade: { fairTradeRequired: true, labelsRequired: ['Fair for Life'] },
  reservation: (reservedTo: 'SIAE' | 'EA-ESAT' | 'ESS') => ({ reserved: true, reservedTo }),
  award: (nowMs: number, months: number, extra: Record<string, unknown> = {}) => ({
    outcome: 'awarded',
    awardedAmountHT: 380_000,
    notifiedOn: isoDay(nowMs),
    startDate: isoDay(nowMs),
    endDate: addMonths(isoDay(nowMs), months),
    supplier: { siret: '12345678900012', name: 'Nettoyage Auvergne SARL', size: 'PME', socialStatus: 'none', departement: '63', region: 'Auvergne-Rhône-Alpes' },
    bids: 4,
    smeBids: 2,
    coContracting: false,
    circularEconomy: true,
    social: ['Clause sociale'],
    environmental: ['Critère environnemental', 'Clause environnementale'],
    labelsHeld: [],
    ...extra,
  }),
  kickoff: (nowMs: number) => ({ heldOn: isoDay(nowMs), partnerAttended: true }),
  review: { score: 4, progressPlan: 'Réduire les emballages' },
  hours: (hours: number) => ({ hours }),
};
