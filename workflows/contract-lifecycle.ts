import {
  allHandlersFinished, condition, continueAsNew, defineQuery, defineSignal, defineUpdate, ParentClosePolicy, patched,
  proxyActivities, setHandler, startChild, upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Answers, NotifiedAward } from '../domain/answers';
import { contractWorkflowId, nextCycleContractId, type ContractFacts } from '../domain/contract';
import { addMonths, isoDay, toMs } from '../domain/dates';
import { awardIndicators, insertionHoursIndicators, insertionHoursYear, sourcingIndicators, unsuccessfulIndicators } from '../domain/indicators';
import { PHASES, type CheckKind, type Phase, type Policy } from '../domain/policy';
import * as rules from '../domain/rules';
import { SA } from '../domain/search-attributes';
import type { PolicyActivities } from '../activities/policy';
import { Lifecycle, LifecycleEnded } from './lifecycle/context';
import { applyEvent, type ContractEvent } from './lifecycle/events';
import { executionYears } from './lifecycle/execution';
import { cancelKickoff, inviteToKickoff } from './lifecycle/kickoff';
import { notifyPhase } from './lifecycle/notices';
import type { LifecycleState, OpenTask } from './lifecycle/state';
import { takeAnswerToTaskId, upgradeEarlyAnswers } from './lifecycle/intake';
import { runChecks, validateAnswer } from './lifecycle/tasks';

export interface ContractLifecycleInput {
  contract: ContractFacts;
  /** 1 for a new need, n+1 for the renewal of a recurring one. */
  cycle?: number;
  /** Carried over by continue-as-new; absent on the first run. */
  state?: LifecycleState;
  /** A contract notified before the product knew it (a DECP import): it enters the lifecycle at this award. */
  notified?: NotifiedAward;
}

export interface AnswerTaskInput {
  taskId: string;
  answer: unknown;
  by: string;
}

export interface LifecycleStatus {
  contractId: string;
  cycle: number;
  phase: Phase;
  status: LifecycleState['contract']['status'];
  policyVersion: string;
  openTasks: Omit<OpenTask, 'received'>[];
  decisions: rules.Decisions;
  history: LifecycleState['history'];
  yearsReviewed: number;
  ended?: LifecycleState['ended'];
  sleepingUntil?: string;
  /** The kickoff date the buyer set, and its calendar invitation's sequence. */
  kickoff?: LifecycleState['kickoff'];
  /** Answer and event signals taken so far: a sender reads it before and waits until it has grown. */
  signalsTaken: number;
  /** True when no write is in flight: the workflow waits only on people, events or the calendar. */
  settled: boolean;
}

/**
 * How people's answers reach the workflow (web app, CLI, API): a signal, recorded in history where it arrived.
 * It goes through the intake (lifecycle/intake.ts): an invalid answer, or one to a closed or answered task, is
 * ignored and logged; one to a task not open yet waits for it.
 */
export const answerTaskSignal = defineSignal<[AnswerTaskInput]>('answer');
/**
 * The first answer path, kept so histories that used it replay. Not used by the product any more: on a worker
 * that lost its cache, an update delivered after an empty workflow task can record a history the SDK cannot
 * replay (temporalio/sdk-core#1146, found by the fault suite; test/histories/upstream/).
 */
export const answerTaskUpdate = defineUpdate<{ accepted: true }, [AnswerTaskInput]>('answerTask');
export const contractEventSignal = defineSignal<[ContractEvent]>('contractEvent');
export const statusQuery = defineQuery<LifecycleStatus>('status');

const { loadPolicy } = proxyActivities<PolicyActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { nonRetryableErrorTypes: ['PolicyNotFound', 'ValidationError'] },
});

/** Follows one public contract from programming to closure, asking the SPASER questions at each step. */
export async function contractLifecycle(input: ContractLifecycleInput): Promise<LifecycleStatus> {
  // Queries get an answer at once; signals and updates wait (buffered) until the state is loaded.
  const loaded: { lc?: Lifecycle } = {};
  setHandler(statusQuery, () => (loaded.lc ? status(loaded.lc) : loadingStatus(input)));
  const lc = (loaded.lc = new Lifecycle(input.state ?? (await initialState(input))));
  if (input.state) {
    lc.state.registered = true;
    upgradeEarlyAnswers(lc.state);
  }
  registerHandlers(lc);
  try {
    if (!input.state) await start(lc);
    if (!input.state && input.notified) await enterAtAward(lc, input.notified);
    const phase = lc.state.contract.phase;
    if (before(phase, 'sourcing')) await programming(lc);
    if (before(phase, 'consultation')) await sourcing(lc);
    if (before(phase, 'award')) await consultation(lc);
    if (before(phase, 'kickoff') && !lc.state.enteredAtAward) await award(lc);
    if (before(phase, 'execution') && kickoffAhead(lc)) await kickoff(lc);
    if (before(phase, 'closure')) {
      const more = await executionYears(lc, { onAnswer: onAnswer(lc), startNextCycle: () => startNextCycle(lc) });
      if (more) return await continueWithState(lc);
    }
    await closure(lc, 'closed', 'Contrat arrivé à son terme');
  } catch (err) {
    if (!(err instanceof LifecycleEnded)) throw err;
    await closure(lc, lc.state.ended!.status, lc.state.ended!.reason);
  }
  lc.closing = true;
  await condition(allHandlersFinished);
  return status(lc);
}

const before = (current: Phase, phase: Phase) => PHASES.indexOf(current) < PHASES.indexOf(phase);

async function initialState(input: ContractLifecycleInput): Promise<LifecycleState> {
  // The policy is pinned for the whole cycle: a newer version applies from the next cycle on.
  const policy: Policy = await loadPolicy(input.contract.collectivityId);
  return {
    contract: { facts: input.contract, cycle: input.cycle ?? 1, phase: 'programming', status: 'active' },
    policy, decisions: {}, tasks: {}, yearsReviewed: 0, seq: 0, history: [], seenEvents: [], nextCycleStarted: false, revision: 0,
  };
}

function registerHandlers(lc: Lifecycle): void {
  setHandler(contractEventSignal, (event) => {
    lc.countSignal();
    return applyEvent(lc, event);
  });
  setHandler(answerTaskSignal, async ({ taskId, answer, by }) => {
    lc.countSignal();
    if (takeAnswerToTaskId(lc, taskId, { answer, by, via: 'person' })) return;
    // The audit trail says at once why an answer was ignored; older histories kept that entry for the next write.
    if (!patched('ignored-answer-written')) return;
    await condition(() => lc.state.registered === true);
    await lc.recorder.flush();
  });
  // Old histories only: its validator refused what the intake would now ignore, so replays take the same answers.
  setHandler(
    answerTaskUpdate,
    ({ taskId, answer, by }) => {
      takeAnswerToTaskId(lc, taskId, { answer, by, via: 'person' });
      return { accepted: true };
    },
    { validator: ({ taskId, answer }) => void validateAnswer(lc, taskId, answer) },
  );
}

async function start(lc: Lifecycle): Promise<void> {
  const f = lc.facts;
  upsertSearchAttributes([
    { key: SA.contractId, value: f.id }, { key: SA.collectivity, value: f.collectivityId },
    { key: SA.buyer, value: f.buyer.email }, { key: SA.buyingService, value: f.buyingService },
    { key: SA.phase, value: 'programming' }, { key: SA.overdue, value: false },
  ]);
  await lc.recorder.contract()
    .log('system', 'contract.registered', `Contrat enregistré (cycle ${lc.state.contract.cycle}, politique ${lc.state.policy.version})`, { facts: f })
    .flush();
  lc.state.registered = true;
}

/** J-24 months before the planned award: the systematic questions (003 actions 1, 18, 22). */
async function programming(lc: Lifecycle): Promise<void> {
  await lc.sleepUntil(() => toMs(addMonths(lc.facts.plannedAwardDate, -lc.state.policy.leadTimesMonths.programmingStart)));
  await lc.enterPhase('programming');
  const checks = rules.programmingChecks(lc.checkContext);
  await notifyPhase(lc, 'programming', checks);
  await runChecks(lc, checks, onAnswer(lc), undefined, programmingDueOn(lc));
}

/** Clermont's programming work ends at J-14 (003 action 2): its questions are due then, not dueDays after J-24. */
function programmingDueOn(lc: Lifecycle): string | undefined {
  const due = rules.programmingDueDate(lc.checkContext);
  // Histories recorded before this due date keep the policy's usual delay.
  return due && patched('programming-due-j14') ? due : undefined;
}

async function sourcing(lc: Lifecycle): Promise<void> {
  await lc.enterPhase('sourcing');
  const checks = rules.sourcingChecks(lc.checkContext);
  await notifyPhase(lc, 'sourcing', checks);
  await runChecks(lc, checks, onAnswer(lc));
}

/** Writing the DCE: every consultation check at once; Clermont's CAD first, at J-12, for recurring needs. */
async function consultation(lc: Lifecycle): Promise<void> {
  await lc.enterPhase('consultation');
  const cad = rules.cadChecks(lc.checkContext);
  if (cad.length) {
    await lc.sleepUntil(() => toMs(addMonths(lc.facts.plannedAwardDate, -(lc.state.policy.leadTimesMonths.cadReview ?? 0))));
  }
  // Partners hear of the phase as its first questions are put: the CAD's cotation, then the consultation's.
  await notifyPhase(lc, 'consultation', [...cad, ...rules.consultationChecks(lc.checkContext)]);
  if (cad.length) await runChecks(lc, cad, onAnswer(lc));
  await runChecks(lc, rules.consultationChecks(lc.checkContext), onAnswer(lc));
}

/**
 * The explicit entry of a contract notified before the product knew it: its award is recorded from its source (the
 * earlier questions were never asked, and none is made up), and its execution goes on from today: the anniversaries
 * already past are not reviewed, the next one is. An ended contract only records its notification year's figures.
 */
async function enterAtAward(lc: Lifecycle, notified: NotifiedAward): Promise<void> {
  const { state } = lc;
  state.enteredAtAward = true;
  await lc.enterPhase('award');
  const award = { outcome: 'awarded' as const, ...notified };
  state.decisions['award-record'] = award;
  recordAward(lc, award);
  const today = isoDay(Date.now());
  while (addMonths(award.startDate, 12 * (state.yearsReviewed + 1)) <= today) state.yearsReviewed++;
  await lc.recorder
    .log('system', 'contract.entered-at-award', `Contrat notifié le ${award.notifiedOn}, repris à son attribution (questions antérieures non posées)`, { notifiedOn: award.notifiedOn, yearsPast: state.yearsReviewed })
    .flush();
}

/** Kickoff comes after every award, but a contract that entered at its award once its execution had started. */
function kickoffAhead(lc: Lifecycle): boolean {
  const start = lc.state.contract.startDate;
  return !lc.state.enteredAtAward || (start !== undefined && start >= isoDay(Date.now()));
}

async function award(lc: Lifecycle): Promise<void> {
  await lc.enterPhase('award');
  const checks = rules.awardChecks(lc.checkContext);
  await notifyPhase(lc, 'award', checks);
  await runChecks(lc, checks, onAnswer(lc));
}

/**
 * Kickoff; with an insertion clause the partner is invited (003 actions 8, 10). A date the buyer set earlier goes to
 * the attendees' calendars now; one set during the phase goes at once (lifecycle/kickoff.ts).
 */
async function kickoff(lc: Lifecycle): Promise<void> {
  await lc.enterPhase('kickoff');
  if (rules.insertionPartnerInvited(lc.checkContext)) await invitePartner(lc);
  await inviteToKickoff(lc);
  const checks = rules.kickoffChecks(lc.checkContext);
  await notifyPhase(lc, 'kickoff', checks);
  await runChecks(lc, checks, onAnswer(lc));
}

async function invitePartner(lc: Lifecycle): Promise<void> {
  const { policy, contract, decisions } = lc.state;
  const partner = policy.partners.find((p) => p.id === policy.insertionPartner)!;
  const awarded = decisions['award-record']?.outcome === 'awarded' ? decisions['award-record'] : undefined;
  await lc.recorder
    .log('system', 'partner.invited', `${partner.name} invité à la réunion de lancement`, { partner: partner.id })
    .notify({
      kind: 'partner-kickoff', to: [partner.email], cc: [lc.facts.buyer.email], partnerId: partner.id,
      data: { partner: partner.name, contract: contract.facts.object, contractor: awarded?.supplier.name, hours: decisions['insertion-clause']?.hours, startDate: contract.startDate },
    })
    .flush();
}

/** Every answer that changes the contract or feeds an indicator. */
function onAnswer(lc: Lifecycle) {
  return <K extends CheckKind>(kind: K, answer: Answers[K], task: OpenTask) => {
    const { state } = lc;
    (state.decisions as Record<string, unknown>)[kind] = answer;
    const now = isoDay(Date.now());
    if (kind === 'sourcing') lc.recorder.indicator(sourcingIndicators(now, state.decisions, state.policy));
    if (kind === 'insertion-hours') {
      const year = insertionHoursYear(state.contract.startDate ?? lc.facts.plannedAwardDate, task.year ?? 0);
      lc.recorder.indicator(insertionHoursIndicators(year, (answer as Answers['insertion-hours']).hours, state.policy));
    }
    if (kind === 'award-record') recordAward(lc, answer as Answers['award-record']);
    if (kind === 'label-validity') renewLabels(lc, answer as Answers['label-validity']);
  };
}

/** A re-verified label or certificate carries its new validity date, so it is not asked again until then. */
function renewLabels(lc: Lifecycle, answer: Answers['label-validity']): void {
  const award = lc.state.decisions['award-record'];
  if (award?.outcome !== 'awarded' || !answer.newValidUntil) return;
  const until = answer.newValidUntil;
  award.labelsHeld = award.labelsHeld.map((l) => (l.validUntil < until ? { ...l, validUntil: until } : l));
}

function recordAward(lc: Lifecycle, award: NonNullable<rules.Decisions['award-record']>): void {
  const { state } = lc;
  if (award.outcome === 'unsuccessful') {
    state.ended = { status: 'unsuccessful', reason: award.reason, at: new Date().toISOString() };
    return;
  }
  Object.assign(state.contract, {
    awardedAmountHT: award.awardedAmountHT, notifiedOn: award.notifiedOn, startDate: award.startDate, endDate: award.endDate,
    supplier: award.supplier, considerations: { social: award.social, environmental: award.environmental },
  });
  lc.recorder.contract().indicator(awardIndicators(lc.facts, state.decisions, award, state.policy, !state.enteredAtAward));
}

/** A recurring need: the next cycle's programming starts J-24 months before expiry, as its own workflow. */
async function startNextCycle(lc: Lifecycle): Promise<void> {
  const { contract } = lc.state;
  const nextId = nextCycleContractId(contract.facts.id, contract.cycle);
  const next: ContractFacts = { ...contract.facts, id: nextId, plannedAwardDate: contract.endDate ?? contract.facts.plannedAwardDate };
  await lc.track(() => startChild(contractLifecycle, {
    workflowId: contractWorkflowId(nextId),
    args: [{ contract: next, cycle: contract.cycle + 1 }],
    parentClosePolicy: ParentClosePolicy.ABANDON,
  }));
  lc.state.nextCycleStarted = true;
  await lc.recorder.log('system', 'renewal.started', `Cycle suivant lancé : ${nextId}`, { nextContractId: nextId }).flush();
}

async function closure(lc: Lifecycle, status: 'closed' | 'terminated' | 'unsuccessful', reason: string): Promise<void> {
  const { state } = lc;
  state.contract.phase = 'closure';
  state.contract.status = status;
  upsertSearchAttributes([{ key: SA.phase, value: 'closure' }, { key: SA.overdue, value: false }]);
  if (status === 'unsuccessful') lc.recorder.indicator(unsuccessfulIndicators(isoDay(Date.now()), state.policy));
  for (const task of Object.values(state.tasks)) {
    lc.recorder.task({ ...task, status: 'cancelled' });
    delete state.tasks[task.id];
    (state.closedTasks ??= []).push(task.id);
  }
  cancelKickoff(lc);
  await lc.recorder.contract().log('system', `contract.${status}`, `Clôture : ${reason}`, { status, reason }).flush();
}

async function continueWithState(lc: Lifecycle): Promise<never> {
  lc.closing = true;
  await condition(allHandlersFinished);
  return continueAsNew<typeof contractLifecycle>({ contract: lc.facts, cycle: lc.state.contract.cycle, state: lc.state });
}

function loadingStatus(input: ContractLifecycleInput): LifecycleStatus {
  return {
    contractId: input.contract.id, cycle: input.cycle ?? 1, phase: 'programming', status: 'active', policyVersion: '',
    openTasks: [], decisions: {}, history: [], yearsReviewed: 0, signalsTaken: 0, settled: false,
  };
}

function status(lc: Lifecycle): LifecycleStatus {
  const { state } = lc;
  return {
    contractId: state.contract.facts.id, cycle: state.contract.cycle, phase: state.contract.phase, status: state.contract.status,
    policyVersion: state.policy.version, decisions: state.decisions, history: state.history, yearsReviewed: state.yearsReviewed,
    openTasks: Object.values(state.tasks).filter((t) => t.status === 'open' && !t.received).map(({ received: _r, ...t }) => t),
    ended: state.ended,
    sleepingUntil: state.sleepingUntil,
    kickoff: state.kickoff,
    signalsTaken: state.signalsTaken ?? 0,
    settled: lc.settled,
  };
}

