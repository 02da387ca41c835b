import type { Lifecycle } from './context';
import { EVENTS_REMEMBERED } from './state';

/** What procurement systems tell a running contract (through Kafka, the API or the CLI). */
export type ContractEvent =
  | { type: 'amended'; eventId: string; by?: string; amountHT?: number; endDate?: string; reason?: string }
  | { type: 'suspended'; eventId: string; by?: string; reason: string }
  | { type: 'resumed'; eventId: string; by?: string }
  | { type: 'terminated'; eventId: string; by?: string; reason: string }
  | { type: 'unsuccessful'; eventId: string; by?: string; reason: string };

/** Applies an event once (by event id); the partner hears of amendments and termination (003 actions 8, 10). */
export async function applyEvent(lc: Lifecycle, event: ContractEvent): Promise<void> {
  const { state } = lc;
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
      state.revision++;
      r.contract().log(actor, 'contract.amended', `Avenant${event.reason ? ` : ${event.reason}` : ''}`, { amountHT: event.amountHT, endDate: event.endDate });
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
  }
  await r.flush();
}

function tellPartner(lc: Lifecycle, what: string, detail?: string): void {
  const { policy, decisions } = lc.state;
  if (decisions['insertion-clause']?.feasible !== true || !lc.state.contract.notifiedOn) return;
  const partner = policy.partners.find((p) => p.id === policy.insertionPartner);
  if (!partner) return;
  lc.recorder.notify({ kind: 'partner-update', to: [partner.email], cc: [lc.facts.buyer.email], data: { partner: partner.name, contract: lc.facts.object, what, detail } });
}
