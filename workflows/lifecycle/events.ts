import { condition } from '@temporalio/workflow';
import type { AwardAnswer } from '../../domain/answers';
import { awardIndicators } from '../../domain/indicators';
import type { CheckKind } from '../../domain/policy';
import type { Lifecycle } from './context';
import { EVENTS_REMEMBERED } from './state';
import { takeAnswer } from './intake';
import { scheduleKickoff } from './kickoff';

/** What procurement systems tell a running contract (through Kafka, the API or the CLI). */
export type ContractEvent =
  | { type: 'amended'; eventId: string; by?: string; amountHT?: number; endDate?: string; reason?: string; social?: AwardAnswer['social']; environmental?: AwardAnswer['environmental'] }
  | { type: 'suspended'; eventId: string; by?: string; reason: string }
  | { type: 'resumed'; eventId: string; by?: string }
  | { type: 'terminated'; eventId: string; by?: string; reason: string }
  | { type: 'unsuccessful'; eventId: string; by?: string; reason: string }
  | { type: 'awarded'; eventId: string; by?: string; award: Omit<AwardAnswer, 'outcome'> }
  | { type: 'review-submitted'; eventId: string; by?: string; year: number; score: number; progressPlan: string }
  | { type: 'hours-reported'; eventId: string; by?: string; year: number; hours: number }
  | { type: 'kickoff-scheduled'; eventId: string; by?: string; on: string; at?: string; place?: string }
  /** Facts worth the audit trail that change nothing else: consultation published, bids received, purchase orders. */
  | { type: 'noted'; eventId: string; by?: string; what: string; detail: Record<string, unknown>; tellPartner?: boolean };

/** Applies an event once (by event id); the partner hears of amendments and termination (003 actions 8, 10). */
export async function applyEvent(lc: Lifecycle, event: ContractEvent): Promise<void> {
  const { state } = lc;
  if (!state.registered) await condition(() => state.registered === true); // no await otherwise: replay-safe
  if (state.seenEvents.includes(event.eventId) || state.contract.phase === 'closure') return;
  state.seenEvents.push(event.eventId);
  if (state.seenEvents.length > EVENTS_REMEMBERED) state.seenEvents.shift();
  const actor = event.by ?? 'système';
  const r = lc.recorder;

  switch (event.type) {
    case 'amended': {
      const c = state.contract;
      if (event.amountHT !== undefined) {
        if (c.awardedAmountHT !== undefined) c.awardedAmountHT = event.amountHT;
        else c.facts = { ...c.facts, estimatedAmountHT: event.amountHT };
      }
      if (event.endDate) c.endDate = event.endDate;
      correctConsiderations(lc, event);
      state.revision++;
      r.contract().log(actor, 'contract.amended', `Avenant${event.reason ? ` : ${event.reason}` : ''}`, {
        amountHT: event.amountHT, endDate: event.endDate, social: event.social, environmental: event.environmental,
      });
      tellPartner(lc, 'avenant', event.reason);
      break;
    }
    case 'suspended':
      state.contract.status = 'suspended';
      state.revision++;
      r.contract().log(actor, 'contract.suspended', `Suspendu : ${event.reason}`);
      break;
    case 'resumed':
      state.contract.status = 'active';
      state.revision++;
      r.contract().log(actor, 'contract.resumed', 'Reprise de l’exécution');
      break;
    case 'terminated':
      state.ended = { status: 'terminated', reason: `Résiliation : ${event.reason}`, at: new Date().toISOString() };
      r.log(actor, 'contract.termination-requested', `Résiliation demandée : ${event.reason}`);
      tellPartner(lc, 'résiliation', event.reason);
      break;
    case 'unsuccessful':
      if (state.contract.notifiedOn) {
        r.log(actor, 'event.ignored', 'Déclaration d’infructuosité ignorée : le marché est déjà notifié');
        break;
      }
      state.ended = { status: 'unsuccessful', reason: `Procédure infructueuse : ${event.reason}`, at: new Date().toISOString() };
      r.log(actor, 'contract.unsuccessful-declared', `Procédure déclarée infructueuse : ${event.reason}`);
      break;
    case 'awarded':
      answerFromEvent(lc, 'award-record', undefined, { outcome: 'awarded', ...event.award }, actor, 'Attribution reçue');
      break;
    case 'review-submitted':
      answerFromEvent(lc, 'annual-review', event.year, { score: event.score, progressPlan: event.progressPlan }, actor, `Revue annuelle reçue (année ${event.year})`);
      break;
    case 'hours-reported':
      answerFromEvent(lc, 'insertion-hours', event.year, { hours: event.hours }, actor, `Heures d’insertion reçues (année ${event.year})`);
      break;
    case 'kickoff-scheduled':
      scheduleKickoff(lc, { on: event.on, at: event.at, place: event.place }, actor);
      break;
    case 'noted':
      r.log(actor, 'contract.noted', event.what, event.detail);
      if (event.tellPartner) tellPartner(lc, event.what);
      break;
  }
  await r.flush();
}

/** An event that answers a check goes through the same intake as a person's answer. */
function answerFromEvent(lc: Lifecycle, kind: CheckKind, year: number | undefined, answer: unknown, by: string, summary: string): void {
  lc.recorder.log(by, 'event.answer', summary, { kind, year });
  takeAnswer(lc, { kind, year }, { answer, by, via: 'event' });
}

/** New considerations replace the award's; the indicator events of its notification year are recorded again. */
function correctConsiderations(lc: Lifecycle, event: Extract<ContractEvent, { type: 'amended' }>): void {
  const { state } = lc;
  const award = state.decisions['award-record'];
  if ((!event.social && !event.environmental) || award?.outcome !== 'awarded') return;
  const corrected = { ...award, social: event.social ?? award.social, environmental: event.environmental ?? award.environmental };
  state.decisions['award-record'] = corrected;
  state.contract.considerations = { social: corrected.social, environmental: corrected.environmental };
  lc.recorder.indicator(awardIndicators(lc.facts, state.decisions, corrected, state.policy, !state.enteredAtAward));
}

function tellPartner(lc: Lifecycle, what: string, detail?: string): void {
  const { policy, decisions } = lc.state;
  if (decisions['insertion-clause']?.feasible !== true || !lc.state.contract.notifiedOn) return;
  const partner = policy.partners.find((p) => p.id === policy.insertionPartner);
  if (!partner) return;
  lc.recorder.notify({ kind: 'partner-update', to: [partner.email], cc: [lc.facts.buyer.email], partnerId: partner.id, data: { partner: partner.name, contract: lc.facts.object, what, detail } });
}
