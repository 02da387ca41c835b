/**
 * The portfolio of the pages measure: N contracts and T tasks of one collectivity, written through the product's
 * record activity (`recordTransition`, one transaction per step as the workflow records it): the contract registered,
 * then at each step the previous step's questions answered, the phase entered and the step's questions opened (audit
 * entries, mails to send, indicator events at sourcing and award). Each contract has T/N tasks give or take four, so
 * its last step lies anywhere from consultation to a third or fourth execution year; one contract in seven waits
 * on the questions of its last step, which fills each buyer's inbox with a hundred or so.
 */
import { performance } from 'node:perf_hooks';
import { POLICIES_DIR, readPolicy, storePolicy } from '../activities/policy';
import { createRecordActivities } from '../activities/records';
import type { AwardAnswer } from '../domain/answers';
import type { ContractFacts } from '../domain/contract';
import { addDays, isoDay } from '../domain/dates';
import { awardIndicators, sourcingIndicators } from '../domain/indicators';
import type { Policy } from '../domain/policy';
import type { AuditRecord, NotificationRecord, TaskRecord, Transition } from '../domain/records';
import {
  awardChecks, cadChecks, consultationChecks, executionChecks, kickoffChecks, programmingChecks, sourcingChecks, type CheckContext, type CheckSpec, type Decisions,
} from '../domain/rules';
import type { Db } from '../lib/db';
import { inPool } from '../load/pool';
import { random } from '../load/random';
import { scriptedContracts } from '../load/scripted-contracts';

export const COLLECTIVITY = 'clermont';
export const SERVICES = ['Bâtiments', 'Voirie', 'Restauration', 'Informatique', 'Espaces verts'] as const;
/** Asked the manager's questions (the CAD rating) and escalations. */
export const MANAGER_EMAIL = 'responsable@clermont.test';
const DAY = 86_400_000;

export const buyerEmail = (n: number) => `acheteur${n}@clermont.test`;

export interface PagesPortfolio {
  contracts: number;
  tasks: number;
  openTasks: number;
  transitions: number;
  seconds: number;
  transitionsPerS: number;
  /** A contract in its execution years, for the contract page. */
  sampleContractId: string;
  buyers: number;
}

type Awarded = AwardAnswer;

/** The steps of a contract in order, execution years added until it has at least `tasks` questions. */
function stepsOf(ctx: CheckContext, tasks: number, startDay: string): CheckSpec[][] {
  const steps = [programmingChecks(ctx), cadChecks(ctx), sourcingChecks(ctx), consultationChecks(ctx), awardChecks(ctx), kickoffChecks(ctx)].filter((s) => s.length);
  for (let year = 1; steps.flat().length < tasks; year++) steps.push(executionChecks(ctx, year, addDays(startDay, 365 * year)));
  // The first `tasks` questions: the last step may be cut short (its other questions are not asked yet).
  const asked: CheckSpec[][] = [];
  for (let left = tasks, i = 0; left > 0; left -= steps[i++]!.length) asked.push(steps[i]!.slice(0, left));
  return asked;
}

/** The transitions the workflow would have recorded for one contract, its steps spread back in time from now. */
function transitionsOf(facts: ContractFacts, answers: Record<string, unknown>, award: Awarded, policy: Policy, tasks: number, nowMs: number, r: ReturnType<typeof random>) {
  const waiting = r.chance(0.15);
  const decisions = { ...answers, 'award-record': award } as Decisions;
  const ctx: CheckContext = { contract: facts, policy, decisions };
  const partner = policy.partners.find((p) => p.id === policy.insertionPartner)?.email ?? facts.buyer.email;
  const assignee = (s: CheckSpec) => (s.assignee === 'manager' ? MANAGER_EMAIL : s.assignee === 'partner' ? partner : facts.buyer.email);
  // Back from now: the last step opened up to 40 days ago; two months between steps, a year between execution years.
  const plan = stepsOf(ctx, tasks, isoDay(nowMs));
  const at: number[] = [];
  let t = nowMs - Math.floor(r.next() * 40) * DAY;
  for (let i = plan.length - 1; i >= 0; i--) {
    at[i] = t;
    t -= (plan[i]![0]!.phase === 'execution' ? 365 : 60) * DAY;
  }
  const awardStep = plan.findIndex((s) => s[0]!.phase === 'award');
  const notifiedOn = awardStep >= 0 && awardStep + 1 < plan.length ? isoDay(at[awardStep + 1]!) : undefined;
  const awarded = notifiedOn ? { ...award, notifiedOn, startDate: notifiedOn, endDate: isoDay(Date.parse(notifiedOn) + facts.durationMonths * 30 * DAY) } : undefined;
  const workflowId = `contract-${facts.id}`;
  let seq = 0;
  const id = (kind: string) => `${workflowId}:${++seq}:${kind}`;
  const taskOf = (s: CheckSpec, year: number | undefined, openedAt: number): TaskRecord => ({
    id: `${facts.id}:c1:${s.kind}${year ? `:y${year}` : ''}`, // as workflows/lifecycle/tasks.ts taskId
    kind: s.kind, phase: s.phase, year, title: s.title, why: s.why, source: s.source, assigneeEmail: assignee(s),
    dueAt: new Date(openedAt + policy.tasks.dueDays * DAY).toISOString(), status: 'open', reminders: 0,
  });
  let executionYear = 0;
  const opened: TaskRecord[][] = plan.map((s, i) => {
    const year = s[0]!.phase === 'execution' ? ++executionYear : undefined;
    return s.map((spec) => taskOf(spec, year, at[i]!));
  });

  const out: Transition[] = [];
  const step = (i: number, stamp: number, answer: TaskRecord[], open: TaskRecord[]) => {
    const iso = new Date(stamp).toISOString();
    const audit: AuditRecord[] = [];
    const log = (actor: string, action: string, summary: string, detail: Record<string, unknown> = {}) =>
      audit.push({ id: id('audit'), at: iso, actor, action, detail: { summary, ...detail } });
    if (i === 0) log('system', 'contract.registered', `Contrat enregistré (cycle 1, politique ${policy.version})`, { facts });
    const done = answer.map((k) => {
      const task = { ...k, status: 'answered' as const, answer: k.kind === 'award-record' ? award : answers[k.kind], answeredBy: k.assigneeEmail, answeredAt: iso };
      log(k.assigneeEmail, 'task.answered', `Réponse : ${k.title}`, { taskId: k.id, answer: task.answer, via: 'person' });
      return task;
    });
    const phase = open[0]?.phase ?? plan[i]![0]!.phase;
    if (open.length) log('system', 'phase.entered', `Étape : ${phase}`, { phase });
    for (const k of open) log('system', 'task.opened', `Question posée : ${k.title}`, { taskId: k.id, kind: k.kind, why: k.why, source: k.source });
    const notifications: NotificationRecord[] = open.map((k) => ({ id: id('mail:task-opened'), kind: 'task-opened', to: [k.assigneeEmail], taskId: k.id, data: { title: k.title } }));
    const events = [
      ...(answer.some((k) => k.kind === 'sourcing') ? sourcingIndicators(iso, decisions, policy) : []),
      ...(answer.some((k) => k.kind === 'award-record') && awarded ? awardIndicators(facts, decisions, awarded, policy) : []),
    ];
    const afterAward = !!awarded && i > awardStep;
    out.push({
      contractId: facts.id, collectivityId: facts.collectivityId, policyVersion: policy.version, workflowId, buyingService: facts.buyingService,
      contract: {
        facts, cycle: 1, phase: phase as TaskRecord['phase'], status: 'active',
        ...(afterAward ? {
          awardedAmountHT: awarded.awardedAmountHT, notifiedOn: awarded.notifiedOn, startDate: awarded.startDate, endDate: awarded.endDate, supplier: awarded.supplier,
          considerations: { social: awarded.social, environmental: awarded.environmental },
        } : {}),
      },
      tasks: [...done, ...open], audit, notifications,
      indicators: events.map((e) => ({ ...e, id: id(`indicator:${e.indicator}`), occurredAt: iso })),
    });
  };
  plan.forEach((_, i) => step(i, at[i]!, i ? opened[i - 1]! : [], opened[i]!));
  if (!waiting) step(plan.length - 1, Math.min(nowMs, at.at(-1)! + 10 * DAY), opened.at(-1)!, []);
  return { transitions: out, open: waiting ? opened.at(-1)!.length : 0, phase: plan.at(-1)![0]!.phase };
}

/**
 * Writes `contracts` contracts and `tasks` tasks through `recordTransition`, `concurrency` contracts at a time, with
 * `buyers` buyers spread over the services; `say` hears the progress.
 */
export async function writePagesPortfolio(db: Db, { contracts, tasks, buyers = 50, concurrency = 8, seed = 11, say = (_: string) => {} }:
  { contracts: number; tasks: number; buyers?: number; concurrency?: number; seed?: number; say?: (line: string) => void }): Promise<PagesPortfolio> {
  const policy = await readPolicy(POLICIES_DIR, COLLECTIVITY);
  await storePolicy(db, policy);
  const { recordTransition } = createRecordActivities({ db, outboxTopics: { indicatorEvents: 'bench.pages.indicators', taskEvents: 'bench.pages.tasks' } });
  const nowMs = Date.now();
  const scripted = scriptedContracts(contracts, { prefix: 'PG', seed, nowMs });
  const template = scripted.find((s) => s.expected === 'closed')!.answers['award-record'] as Awarded;
  // Tasks per contract: the mean, ±4 in a cycle of five that sums to zero, the remainder on the first ones.
  const base = Math.floor(tasks / contracts);
  const spread = contracts % 5 === 0 && base > 4 ? [-4, -2, 0, 2, 4] : [0];
  const countOf = (i: number) => base + spread[i % spread.length]! + (i < tasks - base * contracts ? 1 : 0);
  let written = 0;
  let transitions = 0;
  let open = 0;
  let sample: string | undefined;
  const t0 = performance.now();
  await inPool(scripted, concurrency, async (s, i) => {
    const buyer = i % buyers;
    const facts: ContractFacts = {
      ...s.facts, collectivityId: COLLECTIVITY, buyingService: SERVICES[buyer % SERVICES.length]!, recurring: i % 4 === 0,
      buyer: { name: `Acheteur ${buyer}`, email: buyerEmail(buyer) }, manager: { name: 'Responsable des achats', email: MANAGER_EMAIL },
    };
    const scriptedAward = s.answers['award-record'];
    const award: Awarded = scriptedAward.outcome === 'awarded' ? scriptedAward : { ...template, supplier: { ...template.supplier, siret: String(20_000_000_000_000 + i) } };
    const made = transitionsOf(facts, s.answers, award, policy, countOf(i), nowMs, random(seed * 100_003 + i));
    for (const t of made.transitions) await recordTransition(t);
    transitions += made.transitions.length;
    open += made.open;
    if (!sample && made.phase === 'execution' && i >= contracts / 2) sample = facts.id;
    if (++written % 1000 === 0) say(`  ${written.toLocaleString('fr-FR')} contrats écrits (${Math.round(transitions / ((performance.now() - t0) / 1000))} transitions/s)`);
  });
  const seconds = (performance.now() - t0) / 1000;
  await db.$executeRawUnsafe('ANALYZE');
  const [{ n }] = await db.$queryRaw<[{ n: bigint }]>`SELECT count(*) AS n FROM tasks`;
  return { contracts, tasks: Number(n), openTasks: open, transitions, seconds, transitionsPerS: transitions / seconds, sampleContractId: sample ?? scripted[0]!.facts.id, buyers };
}
