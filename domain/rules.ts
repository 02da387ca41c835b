/**
 * Which checks a contract gets at each step, under its collectivity's policy. Pure functions: the workflow calls
 * them, the tests call them without Temporal.
 */
import type { Answers, RecordedAward } from './answers';
import type { ContractFacts } from './contract';
import { addDays, addMonths } from './dates';
import type { CheckKind, Phase, Policy, PurchaseFamily } from './policy';

export interface CheckSpec {
  kind: CheckKind;
  phase: Phase;
  /** What to decide, in French. */
  title: string;
  /** Why this contract gets it, in French, with the figures that triggered it. */
  why: string;
  /** The SPASER passage it comes from. */
  source: string;
  /** Who is asked: the contract's buyer, its manager, or the insertion partner (who reports the hours, 003 action 10). */
  assignee: 'buyer' | 'manager' | 'partner';
  /** The contract cannot go on without the answer: after escalation the workflow keeps waiting. */
  required?: boolean;
}

/** The answers so far; the award may be a notified contract's, recorded from its source rather than answered. */
export type Decisions = Partial<Omit<Answers, 'award-record'>> & { 'award-record'?: Answers['award-record'] | RecordedAward };

export interface CheckContext {
  contract: ContractFacts;
  policy: Policy;
  decisions: Decisions;
}

const euros = (n: number) => `${new Intl.NumberFormat('fr-FR').format(n)} € HT`;

/** The purchase family of a CPV code: the policy's longest matching prefix. */
export function familyOf(cpv: string, policy: Policy): PurchaseFamily {
  let best: { family: PurchaseFamily; length: number } = { family: 'other', length: 0 };
  for (const [family, prefixes] of Object.entries(policy.cpvFamilies) as [PurchaseFamily, string[]][]) {
    for (const prefix of prefixes) if (cpv.startsWith(prefix) && prefix.length > best.length) best = { family, length: prefix.length };
  }
  return best.family;
}

/** Formal procedures (procédures formalisées), as opposed to MAPA and contracts without publicity. */
export function isFormal(contract: ContractFacts): boolean {
  return contract.procedure !== 'mapa' && contract.procedure !== 'sans-publicite';
}

function spec(ctx: CheckContext, kind: CheckKind, phase: Phase, title: string, why: string, assignee: CheckSpec['assignee'] = 'buyer'): CheckSpec[] {
  const enabled = ctx.policy.checks[kind];
  return enabled ? [{ kind, phase, title, why, source: enabled.source, assignee }] : [];
}

export function programmingChecks(ctx: CheckContext): CheckSpec[] {
  return spec(ctx, 'programming-questionnaire', 'programming', 'Questions systématiques de programmation',
    'Juste besoin et sobriété (pourrait-on ne pas acheter ?), réemploi, recyclé ou biosourcé, ouverture à l’ESS et aux TPE/PME, innovation, analyse du cycle de vie.');
}

export function sourcingChecks(ctx: CheckContext): CheckSpec[] {
  const works = ctx.contract.nature === 'works' ? ' Pour des travaux, envisagez une AMO développement durable.' : '';
  return spec(ctx, 'sourcing', 'sourcing', 'Sourcing fournisseurs',
    `Rencontrer les fournisseurs et rechercher des offres de SIAE, EA, ESAT ou de l’ESS (CRESS, « le marché de l’inclusion »).${works}`);
}

/** Clermont's CAD rates recurring contracts' sustainable potential at J-12 months (003 action 2). */
export function cadChecks(ctx: CheckContext): CheckSpec[] {
  if (!ctx.contract.recurring || !ctx.policy.leadTimesMonths.cadReview) return [];
  const decision = ctx.policy.cadTargets ? ' Consignez ensuite la décision de la présidence de la CAO : les objectifs pour lesquels ce contrat est ciblé.' : '';
  return spec(ctx, 'cad-review', 'consultation', 'Cotation du potentiel durable en Comité annuel des achats durables',
    `Marché récurrent : présenter sa cotation au CAD à J-${ctx.policy.leadTimesMonths.cadReview} mois et retenir les actions SPASER.${decision}`, 'manager');
}

export function consultationChecks(ctx: CheckContext): CheckSpec[] {
  const { contract, policy } = ctx;
  const t = policy.thresholds;
  const amount = contract.estimatedAmountHT;
  const family = familyOf(contract.cpv, policy);
  const partner = policy.partners.find((p) => p.id === policy.insertionPartner);
  const checks: CheckSpec[] = [];

  if (amount > t.insertionClauseAbove) {
    checks.push(...spec(ctx, 'insertion-clause', 'consultation', 'Faisabilité d’une clause d’insertion',
      `Montant estimé ${euros(amount)} > ${euros(t.insertionClauseAbove)} : étude systématique avec ${partner?.name ?? 'le facilitateur'}.`));
  }
  checks.push(...reservationChecks(ctx));
  checks.push(...spec(ctx, 'allotment', 'consultation', 'Allotissement', 'L’allotissement est la règle : indiquez les lots, ou justifiez leur absence.'));
  checks.push(...spec(ctx, 'environmental-considerations', 'consultation', 'Critère et clause environnementaux',
    'Prévoir un critère environnemental et/ou une clause environnementale d’exécution (coût global le cas échéant).'));
  const labels = policy.ecoLabels[family];
  if (labels) {
    checks.push(...spec(ctx, 'eco-labels', 'consultation', 'Écolabels à exiger', `Famille « ${family} » : labels reconnus ${labels.join(', ')}.`));
  }
  if (t.genderEqualityFrom !== undefined && amount >= t.genderEqualityFrom) {
    checks.push(...spec(ctx, 'equality-clauses', 'consultation', 'Clauses égalité femmes-hommes et non-discrimination',
      `Montant estimé ${euros(amount)} ≥ ${euros(t.genderEqualityFrom)} : clause égalité femmes-hommes, et clause de départage non discriminatoire.`));
  }
  // Only in policies that switch it on: systematic, whatever the amount.
  checks.push(...spec(ctx, 'anti-discrimination-clause', 'consultation', 'Clause de départage non discriminatoire',
    'Systématique : clause de départage des offres à égalité fondée sur la lutte contre les discriminations, et rappel des obligations légales de non-discrimination.'));
  if (policy.fairTradeFamilies.includes(family)) {
    checks.push(...spec(ctx, 'fair-trade', 'consultation', 'Commerce équitable', `Famille « ${family} » : exiger des produits issus du commerce équitable.${fairTradeLabelsWhy(policy)}`));
  }
  const terms = financialTerms(contract, policy);
  if (terms.length) checks.push(...spec(ctx, 'financial-terms', 'consultation', 'Conditions financières favorables aux PME', terms.join(' ')));
  checks.push(...financialChecks(ctx));
  if (contract.nature === 'works') {
    const large = t.largeWorksFrom !== undefined && amount >= t.largeWorksFrom ? ' Grands travaux : clause de compensation carbone.' : '';
    // Where the impact-data question covers greenhouse gases (Clermont 003 action 25), it is not asked twice.
    const ghg = !policy.checks['impact-data-clauses'];
    checks.push(...spec(ctx, 'works-clauses', 'consultation', ghg ? 'Clauses travaux : déchets, GES, compensation' : 'Clauses travaux : déchets, compensation',
      `Travaux : clause de gestion des déchets${ghg ? ' et de reporting GES/données' : ' (les émissions de GES relèvent de la clause de suivi des impacts)'}.${large}`));
  }
  checks.push(...impactChecks(ctx));
  return checks;
}

/**
 * Reservation to SIAE / EA-ESAT / ESS, studied when sourcing did not rule out an inclusive offer: the whole contract
 * up to the policy's ceiling (none when it sets none); a contract with lots, under a policy that asks it, gets the
 * reserved-lots question instead (Dijon: 2 lots out of 9 in its work-clothing contract, 001:390).
 */
function reservationChecks(ctx: CheckContext): CheckSpec[] {
  const { contract, policy, decisions } = ctx;
  if (decisions.sourcing?.inclusiveOffersFound === false) return [];
  const found = decisions.sourcing?.inclusiveOffersFound ? ' ; une offre inclusive existe' : '';
  if (policy.checks['reserved-lots'] && contract.lots >= 2) {
    return spec(ctx, 'reserved-lots', 'consultation', 'Lots réservés',
      `Marché de ${contract.lots} lots : réserver des lots aux structures de l’insertion et du handicap (SIAE, EA/ESAT) ou à l’ESS${found}. Indiquez les lots réservés et à qui, ou justifiez pourquoi aucun.`);
  }
  const upTo = policy.thresholds.reservationUpTo;
  const title = 'Réservation à une SIAE, une EA/ESAT ou une entreprise de l’ESS';
  if (upTo === undefined) {
    return spec(ctx, 'reservation', 'consultation', title,
      `Sans plafond de montant : développer les marchés réservés aux structures de l’insertion et du handicap et à l’ESS${found}.`);
  }
  if (contract.estimatedAmountHT > upTo) return [];
  return spec(ctx, 'reservation', 'consultation', title,
    `Montant estimé ${euros(contract.estimatedAmountHT)} ≤ ${euros(upTo)}${decisions.sourcing?.inclusiveOffersFound ? ' et une offre inclusive existe' : ''}.`);
}

/**
 * Execution clauses on the contract's impacts, in policies that switch them on: Clermont's quantitative impact data
 * on every contract (003 action 25); Dijon's over-packaging and take-back where goods are delivered (001 axe 3
 * ambition 4) and its deliveries and transport on every contract (001 axe 3 ambition 2).
 */
function impactChecks(ctx: CheckContext): CheckSpec[] {
  const goods = ctx.contract.nature === 'supplies' || ctx.contract.nature === 'services';
  return [
    ...spec(ctx, 'impact-data-clauses', 'consultation', 'Clauses de suivi des impacts',
      'Clause d’exécution permettant de suivre de façon quantitative les impacts du marché (nombre de livraisons, émissions de GES, eau, énergie, matière) ; si c’est faisable, une clause de limitation ou de progrès.'),
    ...(goods
      ? spec(ctx, 'packaging-clauses', 'consultation', 'Suremballages et reprise des emballages',
        'Clause incitative, condition d’exécution ou critère de jugement stimulant la réduction des suremballages ; reprise des emballages ou des produits en fin de vie.')
      : []),
    ...spec(ctx, 'transport-clauses', 'consultation', 'Livraisons et transport',
      'Optimisation des livraisons (jours de livraison, minimum de commande) ; clause, condition d’exécution ou critère favorisant un transport plus vertueux pour les livraisons ou les déplacements du personnel du titulaire.'),
  ];
}

/** Policies that list recognised labels ask for one, valid `labelValidityYears` (003 action 13). */
function fairTradeLabelsWhy(policy: Policy): string {
  if (!policy.fairTradeLabels) return '';
  return ` Label ou système de garantie reconnu exigé (${policy.fairTradeLabels.join(', ')}), d’une validité de ${policy.labelValidityYears} ans renouvelable : indiquez lequel.`;
}

type Terms = Pick<ContractFacts, 'estimatedAmountHT' | 'durationMonths' | 'procedure'>;
const percent = (rate: number) => `${Math.round(rate * 100)} %`;

/** The advance is mandatory above an amount and a duration (003 action 17, CCP R2191-3). */
export function advanceMandatory(contract: Terms, policy: Policy): boolean {
  const t = policy.thresholds;
  return contract.estimatedAmountHT > t.mandatoryAdvanceAbove && contract.durationMonths > t.mandatoryAdvanceMinMonths;
}

/** Below an amount, TPE/PME get a higher advance without guarantee (003 action 17). */
export function smeAdvanceOffered(contract: Terms, policy: Policy): boolean {
  return contract.estimatedAmountHT < policy.thresholds.smeAdvanceBelow;
}

/**
 * The financial terms as separate decisions, each asked only where it applies, in policies that switch them on
 * (003 actions 17, 19, 20). Each answer is checked against the same figures (domain/answers.ts).
 */
function financialChecks(ctx: CheckContext): CheckSpec[] {
  const { contract, policy } = ctx;
  const t = policy.thresholds;
  const amount = contract.estimatedAmountHT;
  const mandatory = advanceMandatory(contract, policy);
  const mandatoryWhy = `Montant estimé ${euros(amount)} > ${euros(t.mandatoryAdvanceAbove)} et durée de ${contract.durationMonths} mois > ${t.mandatoryAdvanceMinMonths} mois : l’avance est obligatoire.`;
  const sme = [
    smeAdvanceOffered(contract, policy) ? `Montant estimé ${euros(amount)} < ${euros(t.smeAdvanceBelow)} : avance bonifiée de ${percent(t.smeAdvanceRate)}, sans garantie à première demande, pour les TPE/PME de moins de ${t.smeMaxEmployees} salariés ; un taux inférieur ou une garantie se justifient.` : '',
    mandatory && t.mandatoryAdvanceSmeMinRate !== undefined ? `Avance obligatoire pour ce marché : au moins ${percent(t.mandatoryAdvanceSmeMinRate)} pour les TPE/PME.` : '',
  ].filter(Boolean).join(' ');
  return [
    ...(sme ? spec(ctx, 'sme-advance', 'consultation', 'Avance aux TPE/PME', sme) : []),
    ...(mandatory ? spec(ctx, 'mandatory-advance', 'consultation', 'Avance obligatoire', `${mandatoryWhy} Indiquez son taux.`) : []),
    ...(contract.durationMonths > t.priceRevisionOverMonths
      ? spec(ctx, 'price-revision', 'consultation', 'Révision des prix',
        `Durée de ${contract.durationMonths} mois > ${t.priceRevisionOverMonths} mois : la révision des prix est systématique ; son absence se justifie.`)
      : []),
    ...(contract.procedure === 'mapa'
      ? spec(ctx, 'negotiation', 'consultation', 'Négociation', 'MAPA : la négociation est la règle ; son absence est motivée dans le rapport d’analyse des offres.')
      : []),
  ];
}

/** The financial-term questions of policies before the split (003 actions 17, 19, 20): one task, one text. */
export function financialTerms(contract: ContractFacts, policy: Policy): string[] {
  const t = policy.thresholds;
  const amount = contract.estimatedAmountHT;
  const terms: string[] = [];
  if (amount < t.smeAdvanceBelow) terms.push(`Avance de ${Math.round(t.smeAdvanceRate * 100)} % sans garantie pour les PME (< ${t.smeMaxEmployees} salariés).`);
  if (amount > t.mandatoryAdvanceAbove && contract.durationMonths > t.mandatoryAdvanceMinMonths) terms.push('Avance obligatoire (> 50 k€ HT et > 2 mois).');
  if (contract.durationMonths > t.priceRevisionOverMonths) terms.push('Clause de révision des prix (marché de plus d’un an).');
  if (contract.procedure === 'mapa') terms.push('MAPA : la négociation est la règle, son absence se justifie.');
  return terms;
}

export function awardChecks(ctx: CheckContext): CheckSpec[] {
  return spec(ctx, 'award-record', 'award', 'Attribution : titulaire et considérations retenues',
    'Enregistrer le titulaire (taille, statut ESS/SIAE, département), le nombre d’offres et les considérations réellement incluses — ou déclarer la procédure infructueuse.')
    .map((c) => ({ ...c, required: true }));
}

export function kickoffChecks(ctx: CheckContext): CheckSpec[] {
  const partner = insertionPartnerInvited(ctx) ? ` ${ctx.policy.partners.find((p) => p.id === ctx.policy.insertionPartner)?.name} est invité (clause d’insertion).` : '';
  return spec(ctx, 'kickoff-meeting', 'kickoff', 'Réunion de lancement', `Tenir la réunion de lancement avec le titulaire.${partner}`);
}

/** The partner comes to kickoff when an insertion clause was retained (003 actions 8, 10). */
export function insertionPartnerInvited(ctx: CheckContext): boolean {
  return ctx.decisions['insertion-clause']?.feasible === true;
}

/** The checks of one execution year; labels are re-checked when they expire before the next review. */
export function executionChecks(ctx: CheckContext, year: number, nextReviewOn: string): CheckSpec[] {
  const checks = spec(ctx, 'annual-review', 'execution', `Revue annuelle du fournisseur (année ${year})`,
    'Revue systématique avec grille d’évaluation et plan de progrès ; collecte des données d’impact.');
  if (insertionPartnerInvited(ctx)) {
    // The facilitator counts the hours and follows their execution (003 action 10: "propose les critères, réalise
    // l'analyse, suit l'exécution"): it is asked first; the buyer only if it has not reported by the due date.
    checks.push(...spec(ctx, 'insertion-hours', 'execution', `Heures d’insertion réalisées (année ${year})`,
      `Clause de ${ctx.decisions['insertion-clause']?.hours ?? '?'} heures : déclarer les heures réalisées cette année.`, 'partner'));
  }
  const award = ctx.decisions['award-record'];
  const expiring = award?.outcome === 'awarded' ? award.labelsHeld.filter((l) => l.validUntil <= nextReviewOn) : [];
  if (expiring.length) {
    checks.push(...spec(ctx, 'label-validity', 'execution', 'Validité des labels et certificats',
      `À revérifier avant expiration : ${expiring.map((l) => `${l.name} (${l.validUntil})`).join(', ')}.`));
  }
  return checks;
}

/**
 * A mail that brings a partner or an internal expert in at a phase the policy lists for them (`involvedAt`), with
 * the checks of that phase they act on (003 actions 5, 8, 10; 000's follow-up committee); and Clermont's internal
 * follow-up of 10-40 k€ HT contracts by the public-procurement service (003 action 11).
 */
export interface PhaseNotice {
  partnerId?: string;
  name: string;
  email: string;
  /** The phase, in French ("la rédaction de la consultation"). */
  phaseName: string;
  /** Why they are told, in French. */
  why: string;
  /** The checks of the phase that concern them: what they act on. */
  topics: { kind: CheckKind; title: string; why: string }[];
}

type PartnerRole = Policy['partners'][number]['role'];
const EVERY_ROLE: CheckKind[] = ['programming-questionnaire', 'cad-review', 'sourcing'];
/** What each kind of partner acts on; the insertion partner follows execution only with a clause. */
const ROLE_CHECKS: Record<PartnerRole, CheckKind[]> = {
  insertion: ['insertion-clause', 'reservation'],
  ess: ['reservation', 'fair-trade', 'allotment'],
  business: ['allotment', 'sme-advance', 'mandatory-advance', 'financial-terms', 'price-revision', 'negotiation'],
  institution: [
    'environmental-considerations', 'eco-labels', 'equality-clauses', 'anti-discrimination-clause', 'fair-trade',
    'works-clauses', 'annual-review', 'label-validity',
  ],
};
const WITH_INSERTION_CLAUSE: CheckKind[] = ['award-record', 'kickoff-meeting', 'insertion-hours'];
const PHASE_NAMES: Record<Phase, string> = {
  programming: 'la programmation', sourcing: 'le sourcing', consultation: 'la rédaction de la consultation', award: 'l’attribution',
  kickoff: 'le lancement', execution: 'l’exécution', closure: 'la clôture',
};

/** Whether the contract falls in the internal follow-up band (003 action 11: 10-40 k€ HT). */
export function internalFollowUp(ctx: CheckContext): boolean {
  const band = ctx.policy.thresholds.internalFollowUp;
  return !!band && ctx.contract.estimatedAmountHT >= band[0] && ctx.contract.estimatedAmountHT <= band[1];
}

/** Who is told at a phase, about which of its checks; nobody when none of the phase's checks concerns them. */
export function phaseNotices(ctx: CheckContext, phase: Phase, checks: CheckSpec[]): PhaseNotice[] {
  const { policy } = ctx;
  const clause = insertionPartnerInvited(ctx);
  const topics = (kinds: CheckKind[]) => checks.filter((c) => kinds.includes(c.kind)).map(({ kind, title, why }) => ({ kind, title, why }));
  const notices: PhaseNotice[] = [];
  for (const p of policy.partners) {
    if (!p.involvedAt.includes(phase)) continue;
    // At kickoff the insertion partner already gets its invitation (partner-kickoff).
    if (phase === 'kickoff' && clause && p.id === policy.insertionPartner) continue;
    const kinds = [...EVERY_ROLE, ...ROLE_CHECKS[p.role], ...(p.role === 'insertion' && clause ? WITH_INSERTION_CLAUSE : [])];
    const mine = topics(kinds);
    if (mine.length) {
      notices.push({ partnerId: p.id, name: p.name, email: p.email, phaseName: PHASE_NAMES[phase], why: `Le SPASER associe ${p.name} à ${PHASE_NAMES[phase]} des marchés.`, topics: mine });
    }
  }
  const band = policy.thresholds.internalFollowUp;
  if (phase === 'consultation' && band && internalFollowUp(ctx)) {
    notices.push({
      name: 'Service de la commande publique', email: policy.contacts.publicProcurementService, phaseName: PHASE_NAMES[phase],
      why: `Montant estimé ${euros(ctx.contract.estimatedAmountHT)} entre ${euros(band[0])} et ${euros(band[1])} : suivi interne du marché, dont l’étude de sa réservation.`,
      topics: topics(['reservation', 'allotment', 'sme-advance', 'negotiation']),
    });
  }
  return notices;
}

/** A held label or certificate to re-verify, and from when (`labelRecheckDaysBefore` its expiry). */
export interface LabelRecheck {
  name: string;
  validUntil: string;
  recheckOn: string;
}

/** The key of a label at one validity date: re-checked once; a renewed label (new date) is a new key. */
export const labelKey = (l: { name: string; validUntil: string }) => `${l.name}@${l.validUntil}`;

/**
 * The held labels that expire while the contract runs and are not re-checked yet, earliest first, each due
 * `labelRecheckDaysBefore` days before it expires, whatever the contract's length (003 action 13; 001 axe 2 amb. 1).
 */
export function labelRechecks(ctx: CheckContext, contractEnd: string, done: string[] = []): LabelRecheck[] {
  const award = ctx.decisions['award-record'];
  if (award?.outcome !== 'awarded') return [];
  const before = ctx.policy.labelRecheckDaysBefore;
  return award.labelsHeld
    .filter((l) => l.validUntil <= contractEnd && !done.includes(labelKey(l)))
    .map((l) => ({ ...l, recheckOn: addDays(l.validUntil, -before) }))
    .sort((a, b) => a.recheckOn.localeCompare(b.recheckOn));
}

/** The re-check of the labels due by `today`. */
export function labelRecheckCheck(ctx: CheckContext, due: LabelRecheck[]): CheckSpec[] {
  return spec(ctx, 'label-validity', 'execution', 'Validité des labels et certificats',
    `À revérifier avant expiration (${ctx.policy.labelRecheckDaysBefore} jours avant) : ${due.map((l) => `${l.name} (${l.validUntil})`).join(', ')}.`);
}

/** Clermont's J-14 (003 action 2): the programming work is done between J-24 and J-14 months; its questions are due then. */
export function programmingDueDate(ctx: CheckContext): string | undefined {
  if (ctx.policy.leadTimesMonths.programmingLatest === undefined) return undefined;
  return addMonths(ctx.contract.plannedAwardDate, -ctx.policy.leadTimesMonths.programmingLatest);
}
