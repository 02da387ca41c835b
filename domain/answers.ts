/**
 * What a person answers to each check, validated before the workflow accepts it.
 * A missing justification is an error: every "no" must say why (SPASER: "justifier de l'absence de ...").
 */
import { z } from 'zod';
import type { CheckKind } from './policy';
import { ENVIRONMENTAL_CONSIDERATIONS, NO_ENVIRONMENTAL, NO_SOCIAL, SOCIAL_CONSIDERATIONS, SupplierSchema } from './contract';

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

const reservation = z
  .object({ reserved: z.boolean(), reservedTo: z.enum(['SIAE', 'EA-ESAT', 'ESS']).optional(), justification: justification.optional() })
  .superRefine((a, ctx) => {
    if (a.reserved && !a.reservedTo) ctx.addIssue({ code: 'custom', path: ['reservedTo'], message: 'précisez SIAE, EA-ESAT ou ESS' });
  })
  .superRefine(justifiedWhen((a) => !a.reserved, 'justifiez pourquoi le marché n’est pas réservé'));

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

const fairTrade = z
  .object({ fairTradeRequired: z.boolean(), justification: justification.optional() })
  .superRefine(justifiedWhen((a) => !a.fairTradeRequired, 'justifiez l’absence de commerce équitable'));

const financial = z.object({
  smeAdvancePercent: z.number().min(0).max(100),
  advance: z.boolean(),
  priceRevision: z.boolean(),
  negotiation: z.boolean(),
  justification: justification.optional(),
});

const worksClauses = z
  .object({ wasteClause: z.boolean(), ghgReporting: z.boolean(), carbonOffset: z.boolean(), justification: justification.optional() })
  .superRefine(justifiedWhen((a) => !a.wasteClause, 'justifiez l’absence de clause déchets'));

export const AwardedSchema = z.object({
    outcome: z.literal('awarded'),
    awardedAmountHT: z.number().positive(),
    notifiedOn: isoDate,
    startDate: isoDate,
    endDate: isoDate,
    supplier: SupplierSchema,
    bids: z.number().int().nonnegative(),
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
  allotment,
  'environmental-considerations': environmental,
  'eco-labels': ecoLabels,
  'equality-clauses': equality,
  'fair-trade': fairTrade,
  'financial-terms': financial,
  'works-clauses': worksClauses,
  'award-record': award,
  'kickoff-meeting': kickoff,
  'annual-review': annualReview,
  'insertion-hours': insertionHours,
  'label-validity': labelValidity,
} satisfies Record<CheckKind, z.ZodType>;

export type Answers = { [K in CheckKind]: z.infer<(typeof ANSWER_SCHEMAS)[K]> };
export type AwardAnswer = Extract<Answers['award-record'], { outcome: 'awarded' }>;

/** Parses an answer for a check kind; the error names each wrong field, in French. */
export function parseAnswer<K extends CheckKind>(kind: K, answer: unknown): { ok: true; value: Answers[K] } | { ok: false; error: string } {
  const result = ANSWER_SCHEMAS[kind].safeParse(answer);
  if (result.success) return { ok: true, value: result.data as Answers[K] };
  const error = result.error.issues.map((i) => `${i.path.join('.') || 'réponse'} : ${i.message}`).join(' ; ');
  return { ok: false, error };
}
