/**
 * A collectivity's SPASER policy: thresholds, lead times, partners, eco-labels, targets and indicators.
 * It is data (policies/<collectivity>.yaml), validated by this schema; the rules that read it are in domain/rules.ts.
 */
import { z } from 'zod';
import './french-errors';

export const PHASES = ['programming', 'sourcing', 'consultation', 'award', 'kickoff', 'execution', 'closure'] as const;
export type Phase = (typeof PHASES)[number];

export const PURCHASE_FAMILIES = [
  'cleaning', 'hygiene', 'food', 'school-catering', 'catering', 'promotional-items', 'wood', 'paper', 'textiles',
  'it-equipment', 'vehicles', 'energy', 'construction', 'other',
] as const;
export type PurchaseFamily = (typeof PURCHASE_FAMILIES)[number];

/** Every check (prompt) the product knows; a policy switches them on and cites its source for each. */
export const CHECK_KINDS = [
  'programming-questionnaire', // just need, sobriety, circular economy, ESS, innovation, life-cycle analysis
  'cad-review', // Clermont: the yearly sustainable-purchasing committee rates the contract's potential
  'sourcing', // sourcing session, SIAE/EA/ESAT/ESS offers, sustainability AMO for works
  'insertion-clause', // feasibility of an insertion clause, with the insertion partner
  'reservation', // reservation to SIAE / EA-ESAT / ESS
  'reserved-lots', // a contract with lots: which lots are reserved, and to whom (Dijon, 001 axe 2 ambition 2, axe 3 ambition 1)
  'allotment', // lots, or why not
  'environmental-considerations', // environmental criterion and/or execution clause
  'eco-labels', // labels to require for the purchase family
  'equality-clauses', // gender equality (from a threshold) and anti-discrimination tie-break
  'anti-discrimination-clause', // anti-discrimination tie-break alone, on every contract (Clermont, 003 action 12)
  'fair-trade', // catering, school catering, promotional items
  'financial-terms', // policies before the split below: SME advance, mandatory advance, price revision, negotiation
  'sme-advance', // the advance rate offered to TPE/PME, and whether a guarantee is required
  'mandatory-advance', // the advance rate, when the advance is mandatory for the contract
  'price-revision', // price revision for contracts over a duration
  'negotiation', // negotiation in a MAPA, or why not
  'works-clauses', // waste, GHG/data reporting, carbon offset for large works
  'impact-data-clauses', // execution clauses tracking impacts quantitatively, on every contract (Clermont, 003 action 25)
  'packaging-clauses', // over-packaging reduction and take-back of packaging (Dijon, 001 axe 3 ambition 4)
  'transport-clauses', // delivery optimisation and cleaner transport (Dijon, 001 axe 3 ambition 2)
  'award-record', // contractor, bids, considerations actually included, labels held
  'kickoff-meeting', // kickoff with the contractor, and the insertion partner when there is a clause
  'annual-review', // yearly supplier review with evaluation grid and progress plan
  'insertion-hours', // insertion hours realised in the year
  'label-validity', // labels and certificates re-verified before they expire
] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

export const INDICATORS = [
  'env-criterion', // share of contracts with an environmental criterion
  'env-considerations', // share with environmental considerations (criterion or clause)
  'social-considerations', // share with at least one social consideration
  'formal-insertion-clause', // formal procedures with an insertion clause
  'formal-social-considerations', // formal procedures with social considerations
  'circular-economy-targeted', // targeted at programming and integrating circular economy
  'sme-targeted', // targeted at programming and awarded to a TPE/PME
  'insertion-hours', // insertion hours realised per year
  'reserved-contracts', // contracts reserved to SIAE / EA-ESAT / ESS
  'sme-share', // contracts awarded to TPE/PME
  'local-share', // contracts awarded to local suppliers (département / region)
  'unsuccessful-procedures', // procedures declared unsuccessful
  'sourcing-sessions', // sourcing sessions held
  'eco-label-requirements', // contracts requiring eco-labelled products
  'global-cost-criterion', // contracts with a global-cost / life-cycle criterion
  'co-contracting', // contracts awarded to a group of companies or structures (groupement)
  'gender-equality-clause', // contracts above the equality threshold with a gender-equality clause
  'works-waste-clause', // works contracts with a responsible waste-management clause
  'running-social-clause', // contracts running in the year (start to end date) with a social clause
  'local-amount', // amount awarded to local suppliers (département / region), € HT
  'sme-candidates', // bids received from TPE/PME (Dijon 001:271 "PME/TPME ayant candidaté")
] as const;
export type IndicatorId = (typeof INDICATORS)[number];

/** The goals a contract can be targeted for at programming, each with its share indicator (003 target table). */
export const CAD_TARGETS = ['circular-economy', 'sme-access'] as const;
export type CadTarget = (typeof CAD_TARGETS)[number];

const euros = z.number().nonnegative();
const email = z.email();
const isoDate = z.iso.date();

export const PolicySchema = z.object({
  collectivity: z.object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    name: z.string().min(1),
    departement: z.string().regex(/^\d{2,3}$|^2[AB]$/),
    region: z.string().min(1),
    /** The buyer's SIRET, as the DECP open-data export names it (acheteur.id). */
    siret: z.string().regex(/^\d{14}$/, 'SIRET : 14 chiffres').optional(),
    /** The communes of the collectivity's own territory: local purchases get their nearest level (Dijon 001:323). */
    communes: z.array(z.string().min(1)).min(1).optional(),
  }),
  version: z.string().min(1),
  validFrom: isoDate,
  sources: z.array(z.string()).min(1),
  contacts: z.object({
    publicProcurementService: email, // pilots the SPASER, receives escalations when no manager is named
  }),
  partners: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z0-9-]+$/),
        name: z.string(),
        email,
        role: z.enum(['insertion', 'ess', 'business', 'institution']),
        involvedAt: z.array(z.enum(PHASES)),
      }),
    )
    .min(1),
  /** The partner that facilitates insertion clauses (CREATIV'21, the PLIE). */
  insertionPartner: z.string(),
  thresholds: z.object({
    insertionClauseAbove: euros,
    /** Absent: the reservation is studied whatever the amount (Dijon: 001 gives no ceiling). */
    reservationUpTo: euros.optional(),
    internalFollowUp: z.tuple([euros, euros]).optional(),
    /** Absent: no gender-equality clause is asked (Clermont: concessions only, which the product does not handle). */
    genderEqualityFrom: euros.optional(),
    smeAdvanceBelow: euros,
    smeAdvanceRate: z.number().min(0).max(1),
    smeMaxEmployees: z.number().int().positive(),
    mandatoryAdvanceAbove: euros,
    mandatoryAdvanceMinMonths: z.number().nonnegative(),
    /** The lowest advance rate for TPE/PME when the advance is mandatory; absent in policies before the split. */
    mandatoryAdvanceSmeMinRate: z.number().min(0).max(1).optional(),
    priceRevisionOverMonths: z.number().nonnegative(),
    largeWorksFrom: euros.optional(),
    // formalProcedureFrom (EU thresholds) removed in 2026.1: a contract's procedure is one of its facts, and what is
    // formal is read from it (rules.isFormal); no seed sets the thresholds. Older pinned policies may still carry it.
  }),
  leadTimesMonths: z.object({
    programmingStart: z.number().positive(),
    /** The end of the programming work (Clermont's J-14, 003 action 2): its questions are due then. */
    programmingLatest: z.number().positive().optional(),
    cadReview: z.number().positive().optional(),
    renewalStart: z.number().positive(),
  }),
  tasks: z.object({
    dueDays: z.number().int().positive(),
    reminderEveryDays: z.number().int().positive(),
    escalateAfterDays: z.number().int().positive(),
    giveUpAfterDays: z.number().int().positive(),
  }),
  checks: z.partialRecord(z.enum(CHECK_KINDS), z.object({ source: z.string().min(1) })),
  /** CPV code prefixes that identify each purchase family. */
  cpvFamilies: z.partialRecord(z.enum(PURCHASE_FAMILIES), z.array(z.string().regex(/^\d{2,8}$/))),
  ecoLabels: z.partialRecord(z.enum(PURCHASE_FAMILIES), z.array(z.string()).min(1)),
  fairTradeFamilies: z.array(z.enum(PURCHASE_FAMILIES)),
  /** Recognised fair-trade labels or guarantee systems; when set, the answer names the one required. */
  fairTradeLabels: z.array(z.string().min(1)).min(1).optional(),
  labelValidityYears: z.number().positive(),
  labelRecheckDaysBefore: z.number().int().positive(),
  /**
   * The goals for which the CAD's decision (the CAO president's list, 003:215) makes a contract "ciblé lors de la
   * programmation"; absent in policies before it, where the buyer's programming answer did.
   */
  cadTargets: z.array(z.enum(CAD_TARGETS)).min(1).optional(),
  indicators: z.array(z.enum(INDICATORS)).min(1),
  targets: z.array(z.object({ indicator: z.enum(INDICATORS), year: z.number().int(), share: z.number().min(0).max(1) })),
});

export type Policy = z.infer<typeof PolicySchema>;
export type PolicyInput = z.input<typeof PolicySchema>;
