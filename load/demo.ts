/**
 * `npm run demo`: a realistic portfolio for both collectivities, entered through the product's own doors while
 * `npm start` runs: contracts registered as Kafka events, questions answered by their buyers through the answer
 * signal. Contracts end up in every phase (closed in 2024 and 2025, in execution with an overdue review, at kickoff
 * with the insertion partner invited, in consultation with open questions, in programming, registered for later).
 * Run twice, it adds nothing: ids are fixed, a contract already there is left as it is, people are upserted.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import type { EventProducer } from '../lib/kafka-producer';
import { storeAllPolicies, storePolicy } from '../activities/policy';
import type { Answers } from '../domain/answers';
import { contractWorkflowId, type ContractFacts } from '../domain/contract';
import { addDays, addMonths, isoDay } from '../domain/dates';
import type { CheckKind, Policy } from '../domain/policy';
import { ingestEvent } from '../events/ingest';
import { eventJson } from '../schemas/contract-events';
import type { Db } from '../lib/db';
import type { Role } from '../prisma/generated/client';
import { signInLink } from '../web/auth/sign-in-links';
import { answerTaskSignal, statusQuery } from '../workflows/contract-lifecycle';
import { inPool } from './pool';
import { scriptedContracts } from './scripted-contracts';

type Story = 'closed-2024' | 'closed-2025' | 'execution' | 'kickoff' | 'consultation' | 'programming' | 'later';
type AnswerSet = Partial<{ [K in CheckKind]: Answers[K] }>;

/** What each story answers: everything, or the checks up to where the contract is to wait. */
const UNTIL: Record<Story, CheckKind[] | 'all'> = {
  'closed-2024': 'all', 'closed-2025': 'all',
  execution: 'all', // but the yearly review, which stays open
  kickoff: 'all', // but the kickoff meeting, to which the insertion partner is invited
  consultation: ['programming-questionnaire', 'cad-review', 'sourcing'],
  programming: [], later: [],
};
// The execution story's yearly questions stay open: its review (overdue) and the hours the insertion partner reports.
const WITHOUT: Partial<Record<Story, CheckKind[]>> = { execution: ['annual-review', 'insertion-hours'], kickoff: ['kickoff-meeting'] };

const OBJECTS: Record<string, [string, ContractFacts['nature'], string, number][]> = {
  clermont: [
    ['Denrées alimentaires pour la restauration scolaire', 'supplies', '15800000', 420_000],
    ['Nettoyage des bâtiments communaux', 'services', '90910000', 640_000],
    ['Réhabilitation du groupe scolaire Jules-Ferry', 'works', '45214200', 2_300_000],
    ['Vêtements de travail des agents', 'supplies', '18110000', 180_000],
    ['Entretien des espaces verts', 'services', '77310000', 260_000],
    ['Fournitures de bureau', 'supplies', '30192000', 60_000],
    ['Maintenance des ascenseurs', 'services', '50750000', 120_000],
  ],
  dijon: [
    ['Collecte des encombrants', 'services', '90511000', 850_000],
    ['Vêtements de travail (9 lots dont 2 réservés)', 'supplies', '18110000', 2_000_000],
    ['Rénovation énergétique de la piscine du Carrousel', 'works', '45212212', 3_100_000],
    ['Produits d’entretien écolabellisés', 'supplies', '39830000', 595_000],
    ['Transport scolaire', 'services', '60130000', 540_000],
    ['Mobilier de bureau', 'supplies', '39130000', 70_000],
    ['Entretien des toitures', 'works', '45261000', 310_000],
  ],
};
const STORIES: Story[] = ['closed-2024', 'closed-2025', 'execution', 'kickoff', 'consultation', 'programming', 'later'];
/** Demo buyer SIRETs, so that the DECP export works (not real establishments). */
const DEMO_SIRET: Record<string, string> = { clermont: '99999999900019', dijon: '99999999900027' };

export interface DemoDeps {
  db: Db;
  temporal: Client;
  producer: EventProducer;
  contractEventsTopic: string;
  publicUrl: string;
  policiesDir: string;
  say: (line: string) => void;
  /** The contracts' reference prefix (tests use their own: a workflow id outlives a test database). */
  prefix?: string;
}

interface DemoContract {
  facts: ContractFacts;
  story: Story;
  answers: AnswerSet;
}

export async function loadDemo(deps: DemoDeps): Promise<{ links: { collectivity: string; role: string; name: string; url: string }[]; registered: number }> {
  const { db, say } = deps;
  const policies = await storeAllPolicies(db, deps.policiesDir);
  for (const p of policies) await storeDemoVersion(db, p);
  const people = await Promise.all(policies.map((p) => demoPeople(db, p)));
  const contracts = policies.flatMap((p, i) => demoContracts(p, people[i]!.buyer, deps.prefix ?? 'DEMO'));
  // A contract already there is left as it is: a second run adds nothing.
  const fresh = [];
  for (const c of contracts) if (!(await db.contract.findUnique({ where: { id: c.facts.id } }))) fresh.push(c);
  for (const c of fresh) await register(deps, c);
  await inPool(fresh, 7, async (c) => {
    await drive(deps, c);
    say(`  ${c.facts.id} · ${c.facts.object} : ${c.story}`);
  });
  const registered = fresh.length;
  const links = [];
  for (const [i, p] of policies.entries()) {
    for (const [role, person] of Object.entries(people[i]!)) {
      links.push({ collectivity: p.collectivity.name, role, name: person.name, url: await signInLink(db, person.id, deps.publicUrl) });
    }
  }
  return { links, registered };
}

/** The file's version with a demo buyer SIRET (the DECP export needs one): the version the demo's contracts pin. */
async function storeDemoVersion(db: Db, policy: Policy): Promise<void> {
  const siret = DEMO_SIRET[policy.collectivity.id];
  if (!siret || policy.collectivity.siret) return;
  await storePolicy(db, { ...policy, version: `${policy.version}-demo`, collectivity: { ...policy.collectivity, siret } });
}

async function demoPeople(db: Db, policy: Policy) {
  const id = policy.collectivity.id;
  const upsert = async (role: Role, email: string, name: string, extra: { admin?: boolean; partnerId?: string } = {}) =>
    db.user.upsert({ where: { email }, create: { id: randomUUID(), email, name, role, collectivityId: id, ...extra }, update: {} });
  return {
    buyer: await upsert('buyer', `acheteur.demo@${id}.test`, 'Camille Martin (démo)'),
    manager: await upsert('manager', `responsable.demo@${id}.test`, 'Dominique Bernard (démo)', { admin: true }),
    partner: await upsert('partner', `partenaire.demo@${id}.test`, `${policy.partners.find((p) => p.id === policy.insertionPartner)?.name ?? 'Partenaire'} (démo)`, { partnerId: policy.insertionPartner }),
  };
}

function demoContracts(policy: Policy, buyer: { name: string; email: string }, prefix: string): DemoContract[] {
  const id = policy.collectivity.id;
  const today = isoDay(Date.now());
  const answersFor = scriptedContracts(STORIES.length, { prefix: 'demo', seed: 41 });
  return STORIES.map((story, i) => {
    const [object, nature, cpv, amount] = OBJECTS[id]![i]!;
    const clothing = id === 'dijon' && i === 1; // 001:390: 2 lots out of 9 reserved
    const planned = {
      'closed-2024': '2024-03-01', 'closed-2025': '2025-03-01', execution: addMonths(today, -20), kickoff: addMonths(today, -1),
      consultation: addMonths(today, -2),
      // J-24 has just passed: the programming questions are open, due in dueDays. The overdue ones are the execution
      // story's: its first anniversary is months past, so its yearly review opens late, already overdue.
      programming: addDays(addMonths(today, 24), -5), later: addMonths(today, 30),
    }[story];
    const facts: ContractFacts = {
      id: `${prefix}-${id.toUpperCase()}-${String(i + 1).padStart(2, '0')}`, collectivityId: id, object, nature, cpv, estimatedAmountHT: amount,
      procedure: amount > 215_000 ? 'appel-offres' : 'mapa', lots: clothing ? 9 : 0, durationMonths: story.startsWith('closed') ? 12 : 36,
      plannedAwardDate: planned, recurring: story === 'execution' || story === 'consultation', buyingService: ['Bâtiments', 'Restauration', 'Voirie', 'Achats'][i % 4]!,
      buyer: { name: buyer.name, email: buyer.email },
    };
    const all = answersFor[i]!.answers;
    const award = all['award-record'].outcome === 'awarded' ? all['award-record'] : undefined;
    const notified = story === 'closed-2024' ? '2024-05-15' : story === 'closed-2025' ? '2025-05-15' : planned;
    const answers: AnswerSet = UNTIL[story] === 'all' ? { ...all } : Object.fromEntries((UNTIL[story] as CheckKind[]).map((k) => [k, all[k]]));
    for (const k of WITHOUT[story] ?? []) delete answers[k];
    if (clothing && answers['reserved-lots']) answers['reserved-lots'] = { lots: 9, reservedLots: [{ lot: 3, reservedTo: 'EA-ESAT' }, { lot: 7, reservedTo: 'SIAE' }] };
    if (answers['award-record'] && award) {
      answers['award-record'] = { ...award, awardedAmountHT: amount, notifiedOn: notified, startDate: notified, endDate: addMonths(notified, facts.durationMonths),
        supplier: { ...award.supplier, departement: policy.collectivity.departement, region: policy.collectivity.region } };
      answers['insertion-clause'] = { feasible: true, hours: 400 };
      answers['kickoff-meeting'] &&= { heldOn: notified, partnerAttended: true };
    }
    return { facts, story, answers };
  });
}

/** Registers the contract as a procurement system would: a contract.registered event on the Kafka topic. */
async function register(deps: DemoDeps, c: DemoContract): Promise<void> {
  const { id: contractId, collectivityId, ...payload } = c.facts;
  const raw = eventJson({ eventId: `demo-${contractId}-registered`, type: 'contract.registered', source: 'démo', collectivity: collectivityId, contractId, payload });
  const result = await ingestEvent(deps.producer, deps.contractEventsTopic, raw, { collectivityId });
  if (!result.ok) throw new Error(`${contractId} : ${result.reason}`);
}

/**
 * Answers the contract's open questions as its buyer would, until it waits on a question the story leaves open, on
 * a date to come, or is closed. A demo tool, not a test: "waiting" is two quiet looks a second apart.
 */
async function drive(deps: DemoDeps, c: DemoContract): Promise<void> {
  const handle = deps.temporal.workflow.getHandle(contractWorkflowId(c.facts.id));
  const sent = new Set<string>();
  let quiet = 0;
  for (let round = 0; round < 600 && quiet < 2; round++) {
    const s = await handle.query(statusQuery).catch(() => undefined);
    if (!s) {
      await delay(500); // the consumer has not started it yet
      continue;
    }
    if (s.phase === 'closure') return;
    const due = s.openTasks.filter((t) => t.kind in c.answers && !sent.has(t.id));
    quiet = due.length || !s.settled ? 0 : quiet + 1;
    for (const t of due) {
      await handle.signal(answerTaskSignal, { taskId: t.id, answer: c.answers[t.kind as CheckKind], by: c.facts.buyer.email });
      sent.add(t.id);
    }
    await delay(due.length ? 200 : 1000);
  }
}
