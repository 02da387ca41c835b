/**
 * A generated portfolio: contracts notified over several years with random but reproducible decisions and awards,
 * some corrected later. Written through the real recordTransition activity with the real indicator rules.
 */
import { POLICIES_DIR, readPolicy } from '../../activities/policy';
import { createRecordActivities } from '../../activities/records';
import type { AwardAnswer, Answers } from '../../domain/answers';
import type { ContractFacts } from '../../domain/contract';
import { awardIndicators, insertionHoursIndicators, sourcingIndicators, unsuccessfulIndicators } from '../../domain/indicators';
import type { Policy } from '../../domain/policy';
import type { Decisions } from '../../domain/rules';
import type { Transition } from '../../domain/records';
import type { Db } from '../../lib/db';
import { random } from '../../load/random';
import { uniqueId } from './env';

export interface GeneratedContract {
  facts: ContractFacts;
  decisions: Decisions;
  /** undefined: declared unsuccessful. */
  award?: AwardAnswer;
  notifiedYear: number;
  sourcingSession: boolean;
  /** Insertion hours by execution year (calendar year). */
  hours: Record<number, number>;
  /** A later amendment changing the considerations, if any. */
  correction?: Pick<AwardAnswer, 'social' | 'environmental'>;
  /** A later correction of one year's hours, if any. */
  hoursCorrection?: { year: number; hours: number };
}

const SERVICES = ['Bâtiments', 'Voirie', 'Restauration', 'Informatique'] as const;

export function generatePortfolio(policy: Policy, { size, years, seed }: { size: number; years: number[]; seed: number }): GeneratedContract[] {
  const r = random(seed);
  const out: GeneratedContract[] = [];
  for (let i = 0; i < size; i++) {
    const year = r.pick(years);
    const nature = r.pick(['works', 'supplies', 'services'] as const);
    const amount = Math.round(5_000 + r.next() * 2_000_000);
    const procedure = r.pick(['mapa', 'appel-offres', 'procedure-avec-negociation'] as const);
    const facts: ContractFacts = {
      id: `${policy.collectivity.id}-${seed}-${i}`, collectivityId: policy.collectivity.id, object: `Marché généré n°${i}`, nature, cpv: '45000000',
      estimatedAmountHT: amount, procedure, lots: 0, durationMonths: 24, plannedAwardDate: `${year}-06-01`, recurring: false,
      buyingService: r.pick(SERVICES), buyer: { name: 'Acheteur', email: `acheteur${i % 7}@${policy.collectivity.id}.test` },
    };
    const decisions: Decisions = {
      'programming-questionnaire': {
        needConfirmed: true, circularEconomyTargeted: r.chance(0.4), essPotential: r.chance(0.3), smeAccessTargeted: r.chance(0.5),
        innovation: false, lifeCycleAnalysis: false,
      },
      'eco-labels': { labelsRequired: r.chance(0.35) ? ['Écolabel européen'] : [], justification: 'Aucun label pertinent pour cet achat' },
      'environmental-considerations': { criterion: r.chance(0.5), clause: r.chance(0.5), globalCostCriterion: r.chance(0.2), justification: 'Justification générée' },
    } as Decisions;
    // Some tasks go unanswered (given up): the question was asked all the same.
    if (amount >= (policy.thresholds.genderEqualityFrom ?? Infinity) && r.chance(0.85)) {
      (decisions as Partial<Answers>)['equality-clauses'] = { genderEqualityClause: r.chance(0.6), antiDiscriminationClause: true, justification: 'Justification générée' };
    }
    if (amount > policy.thresholds.insertionClauseAbove && r.chance(0.9)) {
      (decisions as Partial<Answers>)['insertion-clause'] = r.chance(0.6) ? { feasible: true, hours: 500 } : { feasible: false, justification: 'Justification générée' };
    }
    if (nature === 'works') (decisions as Partial<Answers>)['works-clauses'] = { wasteClause: r.chance(0.7), ghgReporting: false, carbonOffset: false, justification: 'Justification générée' };
    const unsuccessful = r.chance(0.05);
    const social = (['Clause sociale', 'Critère social', 'Marché réservé'] as const).filter(() => r.chance(0.3));
    const environmental = (['Clause environnementale', 'Critère environnemental'] as const).filter(() => r.chance(0.45));
    const departement = r.pick([policy.collectivity.departement, '75', '69', '13']);
    const award: AwardAnswer | undefined = unsuccessful ? undefined : {
      outcome: 'awarded', awardedAmountHT: amount, notifiedOn: `${year}-${String(1 + Math.floor(r.next() * 12)).padStart(2, '0')}-15`,
      startDate: `${year}-12-31`, endDate: `${year + 2}-12-31`,
      supplier: {
        siret: String(10_000_000_000_000 + i), name: `Fournisseur ${i}`, size: r.pick(['TPE', 'PME', 'ETI', 'GE'] as const), socialStatus: 'none', departement,
        region: departement === policy.collectivity.departement || r.chance(0.3) ? policy.collectivity.region : 'Autre région',
      },
      bids: 3, coContracting: r.chance(0.15), circularEconomy: r.chance(0.4),
      social: social.length ? [...social] : ['Pas de considération sociale'],
      environmental: environmental.length ? [...environmental] : ['Pas de considération environnementale'],
      labelsHeld: [],
    };
    const hours: Record<number, number> = {};
    if (award && social.includes('Clause sociale')) for (const y of [year + 1, year + 2]) hours[y] = Math.round(r.next() * 2000);
    const corrected = award && r.chance(0.1);
    out.push({
      facts, decisions, award, notifiedYear: year, sourcingSession: r.chance(0.5), hours,
      correction: corrected ? { social: r.chance(0.5) ? ['Clause sociale'] : ['Pas de considération sociale'], environmental: ['Critère environnemental'] } : undefined,
      hoursCorrection: Object.keys(hours).length && r.chance(0.2) ? { year: Number(Object.keys(hours)[0]), hours: 4242 } : undefined,
    });
  }
  return out;
}

/** The transitions the workflow would record for a contract: award (or unsuccessful), hours, then late corrections. */
export function transitionsOf(c: GeneratedContract, policy: Policy): Transition[] {
  let seq = 0;
  const at = (iso: string) => new Date(iso).toISOString();
  const transition = (when: string, events: ReturnType<typeof awardIndicators>, withContract?: Pick<AwardAnswer, 'social' | 'environmental'> | true): Transition => ({
    contractId: c.facts.id, collectivityId: c.facts.collectivityId, policyVersion: policy.version, workflowId: `contract-${c.facts.id}`,
    buyingService: c.facts.buyingService,
    contract: withContract ? {
      facts: c.facts, cycle: 1, phase: 'execution', status: c.award ? 'active' : 'unsuccessful',
      awardedAmountHT: c.award?.awardedAmountHT, notifiedOn: c.award?.notifiedOn, supplier: c.award?.supplier,
      considerations: c.award ? { social: c.award.social, environmental: c.award.environmental, ...(withContract === true ? {} : withContract) } : undefined,
    } : undefined,
    audit: [], notifications: [],
    indicators: events.map((e) => ({ ...e, id: `${c.facts.id}:${++seq}:indicator:${e.indicator}`, occurredAt: at(when) })),
  });
  const decisions = { ...c.decisions, sourcing: { sessionHeld: c.sourcingSession, inclusiveOffersFound: false } } as Decisions;
  const list = [transition(`${c.notifiedYear}-02-01`, sourcingIndicators(`${c.notifiedYear}-02-01`, decisions, policy), true)];
  if (!c.award) return [...list, transition(`${c.notifiedYear}-06-01`, unsuccessfulIndicators(`${c.notifiedYear}-06-01`, policy))];
  list.push(transition(c.award.notifiedOn, awardIndicators(c.facts, decisions, c.award, policy)));
  for (const [year, hours] of Object.entries(c.hours)) list.push(transition(`${year}-12-31`, insertionHoursIndicators(Number(year), hours, policy)));
  if (c.correction) list.push(transition(`${c.notifiedYear + 1}-03-01`, awardIndicators(c.facts, decisions, { ...c.award, ...c.correction }, policy), c.correction));
  if (c.hoursCorrection) list.push(transition(`${c.hoursCorrection.year + 1}-02-01`, insertionHoursIndicators(c.hoursCorrection.year, c.hoursCorrection.hours, policy)));
  return list;
}

/**
 * Writes a portfolio for a copy of a real policy under a fresh collectivity (so other tests' contracts do not mix
 * in), through the real record activity; corrections are recorded after every original event, as they would be.
 */
export async function writePortfolio(db: Db, source: string, { size, seed, years, siret }: { size: number; seed: number; years: number[]; siret?: string }) {
  const loaded = await readPolicy(POLICIES_DIR, source);
  const policy: Policy = { ...loaded, collectivity: { ...loaded.collectivity, id: uniqueId(`pf-${source}`), siret } };
  const { siret: _siret, communes: _communes, ...collectivity } = policy.collectivity;
  await db.collectivity.create({ data: collectivity });
  await db.policyVersion.create({
    data: { collectivityId: collectivity.id, version: policy.version, validFrom: new Date(policy.validFrom), checksum: 'test', content: JSON.parse(JSON.stringify(policy)) },
  });
  const { recordTransition } = createRecordActivities({ db, outboxTopics: { indicatorEvents: 't.indicators', taskEvents: 't.tasks' } });
  const contracts = generatePortfolio(policy, { size, years, seed });
  const all = contracts.map((c) => transitionsOf(c, policy));
  const late = (c: GeneratedContract) => Number(!!c.correction) + Number(!!c.hoursCorrection);
  for (const [i, list] of all.entries()) for (const t of list.slice(0, list.length - late(contracts[i]!))) await recordTransition(t);
  for (const [i, list] of all.entries()) for (const t of list.slice(list.length - late(contracts[i]!))) await recordTransition(t);
  return { policy, contracts };
}
