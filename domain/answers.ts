/**
 * What a person answers to each check, validated before the workflow accepts it.
 * A missing justification is an error: every "no" must say why (SPASER: "justifier de l'absence de ...").
 */
import { z } from 'zod';
import { CAD_TARGETS, type CheckKind, type Policy } from './policy';
import { advanceMandatory, smeAdvanceOffered } from './rules';
import { ENVIRONMENTAL_CONSIDERATIONS, NO_ENVIRONMENTAL, NO_SOCIAL, SOCIAL_CONSIDERATIONS, RecordedSupplierSchema, SupplierSchema, type ContractFacts, type RecordedSupplier } from './contract';

const justification = z.string().trim().min(10, 'justification de 10 caractères au moins');
const isoDate = z.iso.date('date au format AAAA-MM-JJ');

/** Requires `justification` when `missing(answer)` holds. */
function justifiedWhen<T extends { justification?: string }>(missing: (a: T) => boolean, message: string) {
  return (a: T, ctx: z.RefinementCtx) => {
    if (missing(a) && !a.justification) ctx.addIssue({ code: 'custom', path: ['justification'], message });
  };
}

const programming = z.object({
  needConfirmed: z.boolean(),
  sobrietyMeasures: z.string().optional(),
  circularEconomyTargeted: z.boolean(),
  essPotential: z.boolean(),
  smeAccessTargeted: z.boolean(),
  innovation: z.boolean(),
  lifeCycleAnalysis: z.boolean(),
  comment: z.string().optional(),
});

const cadReview = z.object({
  sustainablePotential: z.number().int().min(1).max(5),
  actionsRetained: z.array(z.string().min(1)),
  /** The CAO president's decision after the CAD (003:215): the goals this contract is targeted for. */
  targetedFor: z.array(z.enum(CAD_TARGETS)).optional(),
});

const sourcing = z.object({
  sessionHeld: z.boolean(),
  inclusiveOffersFound: z.boolean(),
  sustainabilityAmo: z.boolean().optional(),
  notes: z.string().optional(),
});

const insertion = z
  .object({ feasible: z.boolean(), hours: z.number().int().positive('nombre d’heures positif').optional(), justification: justification.optional() })
  .superRefine((a, ctx) => {
    if (a.feasible && !a.hours) ctx.addIssue({ code: 'custom', path: ['hours'], message: "nombre d'heures d'insertion requis" });
  })
  .superRefine(justifiedWhen((a) => !a.feasible, 'justifiez pourquoi la clause d’insertion n’est pas retenue'));

const RESERVED_TO = ['SIAE', 'EA-ESAT', 'ESS'] as const;

const reservation = z
  .object({ reserved: z.boolean(), reservedTo: z.enum(RESERVED_TO).optional(), justification: justification.optional() })
  .superRefine((a, ctx) => {
    if (a.reserved && !a.reservedTo) ctx.addIssue({ code: 'custom', path: ['reservedTo'], message: 'précisez SIAE, EA-ESAT ou ESS' });
  })
  .superRefine(justifiedWhen((a) => !a.reserved, 'justifiez pourquoi le marché n’est pas réservé'));

/** The lots of a contract with lots that are reserved, each to whom; numbered from 1 to `lots`, each once. */
const reservedLots = z
  .object({
    lots: z.number().int().min(2, 'un marché alloti compte au moins 2 lots'),
    reservedLots: z.array(z.object({ lot: z.number().int().positive('numéro de lot à partir de 1'), reservedTo: z.enum(RESERVED_TO) })).default([]),
    justification: justification.optional(),
  })
  .superRefine((a, ctx) => {
    a.reservedLots.forEach((r, i) => {
      const path = ['reservedLots', i, 'lot'];
      if (r.lot > a.lots) ctx.addIssue({ code: 'custom', path, message: `lot ${r.lot} : le marché compte ${a.lots} lots` });
      else if (a.reservedLots.findIndex((x) => x.lot === r.lot) < i) ctx.addIssue({ code: 'custom', path, message: `lot ${r.lot} indiqué deux fois` });
    });
  })
  .superRefine(justifiedWhen((a) => a.reservedLots.length === 0, 'justifiez pourquoi aucun lot n’est réservé'));

const allotment = z
  .object({ lots: z.number().int().nonnegative(), justification: justification.optional() })
  .superRefine(justifiedWhen((a) => a.lots < 2, 'justifiez l’absence d’allotissement'));

const environmental = z
  .object({
    criterion: z.boolean(),
    criterionWeightPercent: z.number().min(1).max(100).optional(),
    clause: z.boolean(),
    globalCostCriterion: z.boolean(),
    justification: justification.optional(),
  })
  .superRefine(justifiedWhen((a) => !a.criterion && !a.clause, 'justifiez l’absence de critère et de clause environnementaux'));

const ecoLabels = z
  .object({ labelsRequired: z.array(z.string().min(1)), justification: justification.optional() })
  .superRefine(justifiedWhen((a) => a.labelsRequired.length === 0, 'justifiez pourquoi aucun label n’est exigé'));

const equality = z
  .object({ genderEqualityClause: z.boolean(), antiDiscriminationClause: z.boolean(), justification: justification.optional() })
  .superRefine(justifiedWhen((a) => !a.genderEqualityClause || !a.antiDiscriminationClause, 'justifiez la clause non retenue'));

const antiDiscrimination = z
  .object({ antiDiscriminationClause: z.boolean(), justification: justification.optional() })
  .superRefine(justifiedWhen((a) => !a.antiDiscriminationClause, 'justifiez l’absence de clause de départage non discriminatoire'));

/** The labels are checked against the contract's policy (recognised labels), see CONTEXT_CHECKS. */
const fairTrade = z
  .object({ fairTradeRequired: z.boolean(), labelsRequired: z.array(z.string().trim().min(1)).optional(), justification: justification.optional() })
  .superRefine(justifiedWhen((a) => !a.fairTradeRequired, 'justifiez l’absence de commerce équitable'));

/** The rate is checked against the contract's policy and amount (CONTEXT_CHECKS). */
const smeAdvance = z.object({
  smeAdvancePercent: z.number().min(0).max(100),
  guaranteeRequired: z.boolean(),
  justification: justification.optional(),
});

// Asked only when the advance is mandatory for the contract: "no advance" is not an answer.
const mandatoryAdvance = z.object({ advancePercent: z.number().gt(0, 'l’avance est obligatoire pour ce marché : taux supérieur à 0').max(100) });

const priceRevision = z
  .object({ priceRevision: z.boolean(), justification: justification.optional() })
  .superRefine(justifiedWhen((a) => !a.priceRevision, 'justifiez l’absence de révision des prix'));

const negotiation = z
  .object({ negotiation: z.boolean(), justification: justification.optional() })
  .superRefine(justifiedWhen((a) => !a.negotiation, 'motivez l’absence de négociation (rapport d’analyse des offres)'));

/** The single answer of policies before the split; kept so that recorded answers still parse. */
const financial = z.object({
  smeAdvancePercent: z.number().min(0).max(100),
  advance: z.boolean(),
  priceRevision: z.boolean(),
  negotiation: z.boolean(),
  justification: justification.optional(),
});

// ghgReporting is asked only where no impact-data question covers greenhouse gases (CONTEXT_CHECKS).
const worksClauses = z
  .object({ wasteClause: z.boolean(), ghgReporting: z.boolean().optional(), carbonOffset: z.boolean(), justification: justification.optional() })
  .superRefine(justifiedWhen((a) => !a.wasteClause, 'justifiez l’absence de clause déchets'));

const IMPACTS = ['Livraisons', 'Émissions de GES', 'Eau', 'Énergie', 'Matière'] as const;

const impactData = z
  .object({
    dataClause: z.boolean(),
    impactsTracked: z.array(z.enum(IMPACTS)).optional(),
    limitationClause: z.boolean(),
    justification: justification.optional(),
  })
  .superRefine((a, ctx) => {
    if (a.dataClause && !a.impactsTracked?.length) ctx.addIssue({ code: 'custom', path: ['impactsTracked'], message: 'indiquez les impacts suivis par la clause' });
  })
  .superRefine(justifiedWhen((a) => !a.dataClause, 'justifiez l’absence de clause de suivi des impacts'));

const packaging = z
  .object({ overPackagingReduction: z.boolean(), packagingTakeBack: z.boolean(), justification: justification.optional() })
  .superRefine(justifiedWhen((a) => !a.overPackagingReduction, 'justifiez l’absence de disposition sur les suremballages'));

const transport = z
  .object({ deliveryOptimisation: z.boolean(), cleanerTransport: z.boolean(), justification: justification.optional() })
  .superRefine(justifiedWhen((a) => !a.deliveryOptimisation && !a.cleanerTransport, 'justifiez l’absence de disposition sur les livraisons et le transport'));

export const AwardedSchema = z.object({
    outcome: z.literal('awarded'),
    awardedAmountHT: z.number().positive(),
    notifiedOn: isoDate,
    startDate: isoDate,
    endDate: isoDate,
    supplier: SupplierSchema,
    bids: z.number().int().nonnegative(),
    /** Of the bids, those from TPE/PME. Optional: systems that send awards over Kafka may not know it. */
    smeBids: z.number().int().nonnegative().optional(),
    coContracting: z.boolean(),
    /** Re-use, recycled or bio-sourced content actually required (circular economy). */
    circularEconomy: z.boolean().default(false),
    social: z.array(z.enum([...SOCIAL_CONSIDERATIONS, NO_SOCIAL])).min(1),
    environmental: z.array(z.enum([...ENVIRONMENTAL_CONSIDERATIONS, NO_ENVIRONMENTAL])).min(1),
    labelsHeld: z.array(z.object({ name: z.string().min(1), validUntil: isoDate })).default([]),
  });

const award = z.discriminatedUnion('outcome', [AwardedSchema, z.object({ outcome: z.literal('unsuccessful'), reason: justification })]);

const kickoff = z.object({ heldOn: isoDate, partnerAttended: z.boolean().optional() });
const annualReview = z.object({ score: z.number().int().min(1).max(5), progressPlan: z.string().min(3), impactData: z.string().optional() });
const insertionHours = z.object({ hours: z.number().nonnegative() });
const labelValidity = z.object({ stillValid: z.boolean(), newValidUntil: isoDate.optional(), action: z.string().optional() });

export const ANSWER_SCHEMAS = {
  'programming-questionnaire': programming,
  'cad-review': cadReview,
  sourcing,
  'insertion-clause': insertion,
  reservation,
  'reserved-lots': reservedLots,
  allotment,
  'environmental-considerations': environmental,
  'eco-labels': ecoLabels,
  'equality-clauses': equality,
  'anti-discrimination-clause': antiDiscrimination,
  'fair-trade': fairTrade,
  'financial-terms': financial,
  'sme-advance': smeAdvance,
  'mandatory-advance': mandatoryAdvance,
  'price-revision': priceRevision,
  negotiation,
  'works-clauses': worksClauses,
  'impact-data-clauses': impactData,
  'packaging-clauses': packaging,
  'transport-clauses': transport,
  'award-record': award,
  'kickoff-meeting': kickoff,
  'annual-review': annualReview,
  'insertion-hours': insertionHours,
  'label-validity': labelValidity,
} satisfies Record<CheckKind, z.ZodType>;

export type Answers = { [K in CheckKind]: z.infer<(typeof ANSWER_SCHEMAS)[K]> };
export type AwardAnswer = Extract<Answers['award-record'], { outcome: 'awarded' }>;

/** The award of a contract notified before the product knew it (a DECP import): the supplier may be its SIRET only. */
export const NotifiedAwardSchema = AwardedSchema.omit({ outcome: true }).extend({ supplier: RecordedSupplierSchema });
export type NotifiedAward = z.infer<typeof NotifiedAwardSchema>;
/** An award as the lifecycle keeps it: a buyer's answer, or a notified contract's, whose supplier may be partly unknown. */
export type RecordedAward = Omit<AwardAnswer, 'supplier'> & { supplier: RecordedSupplier };

/** The contract an answer is for: some answers are checked against its figures and its pinned policy. */
export interface AnswerContext {
  contract: Pick<ContractFacts, 'estimatedAmountHT' | 'durationMonths' | 'procedure'>;
  policy: Policy;
}

export interface AnswerIssue {
  path: string;
  message: string;
}

/** Checks that need the contract; each applies only under a policy that has the setting it reads. */
const CONTEXT_CHECKS: { [K in CheckKind]?: (a: Answers[K], ctx: AnswerContext) => AnswerIssue[] } = {
  'sme-advance': (a, { contract, policy }) => {
    const t = policy.thresholds;
    const min = t.mandatoryAdvanceSmeMinRate;
    if (min !== undefined && advanceMandatory(contract, policy) && a.smeAdvancePercent < min * 100) {
      return [{ path: 'smeAdvancePercent', message: `au moins ${Math.round(min * 100)} % : l’avance est obligatoire pour ce marché` }];
    }
    const below = a.smeAdvancePercent < t.smeAdvanceRate * 100 || a.guaranteeRequired;
    return smeAdvanceOffered(contract, policy) && below && !a.justification
      ? [{ path: 'justification', message: `justifiez un taux inférieur à ${Math.round(t.smeAdvanceRate * 100)} % ou une garantie à première demande` }]
      : [];
  },
  'cad-review': (a, { policy }) => {
    if (!policy.cadTargets || a.targetedFor) return [];
    return [{ path: 'targetedFor', message: 'indiquez pour quels objectifs la présidence de la CAO a ciblé ce contrat (aucun : ne rien cocher)' }];
  },
  'works-clauses': (a, { policy }) =>
    a.ghgReporting === undefined && !policy.checks['impact-data-clauses']
      ? [{ path: 'ghgReporting', message: 'indiquez si le suivi des émissions de gaz à effet de serre est prévu' }]
      : [],
  'award-record': (a) => {
    if (a.outcome !== 'awarded') return [];
    return a.smeBids !== undefined && a.smeBids > a.bids ? [{ path: 'smeBids', message: `au plus ${a.bids}, le nombre d’offres reçues` }] : [];
  },
  'fair-trade': (a, { policy }) => {
    const recognised = policy.fairTradeLabels;
    if (!recognised || !a.fairTradeRequired) return [];
    const labels = a.labelsRequired ?? [];
    if (!labels.length) return [{ path: 'labelsRequired', message: `indiquez le label ou système de garantie exigé (${recognised.join(', ')})` }];
    const unknown = labels.filter((l) => !recognised.includes(l));
    return unknown.length ? [{ path: 'labelsRequired', message: `non reconnu : ${unknown.join(', ')} (reconnus : ${recognised.join(', ')})` }] : [];
  },
};

/** The issues of an answer, each naming its field, in French; with the contract, its contract-specific checks too. */
export function answerIssues<K extends CheckKind>(kind: K, answer: unknown, ctx?: AnswerContext): { ok: true; value: Answers[K] } | { ok: false; issues: AnswerIssue[] } {
  const result = ANSWER_SCHEMAS[kind].safeParse(answer);
  if (!result.success) return { ok: false, issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
  const value = result.data as Answers[K];
  const issues = ctx ? (CONTEXT_CHECKS[kind]?.(value, ctx) ?? []) : [];
  return issues.length ? { ok: false, issues } : { ok: true, value };
}

/** Parses an answer for a check kind; the error names each wrong field, in French. */
export function parseAnswer<K extends CheckKind>(kind: K, answer: unknown, ctx?: AnswerContext): { ok: true; value: Answers[K] } | { ok: false; error: string } {
  const result = answerIssues(kind, answer, ctx);
  if (result.ok) return result;
  return { ok: false, error: result.issues.map((i) => `${i.path || 'réponse'} : ${i.message}`).join(' ; ') };
}
