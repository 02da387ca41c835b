import { patched } from '@temporalio/workflow';
import { isoDay } from '../../domain/dates';
import {
  describeSchedule, kickoffAttendees, kickoffHeld, kickoffToCancel, kickoffUid, sameSchedule,
  type KickoffInvitation, type KickoffMethod, type KickoffSchedule,
} from '../../domain/kickoff';
import { PHASES } from '../../domain/policy';
import type { Lifecycle } from './context';

/**
 * The buyer sets or moves the kickoff date (`kickoff.scheduled`). The date is kept whenever it comes; from the kickoff
 * phase on, the attendees get it in their calendars: a REQUEST, then an update (same UID, next SEQUENCE) per change.
 * Records only: the event's handler writes them.
 */
export function scheduleKickoff(lc: Lifecycle, schedule: KickoffSchedule, actor: string): void {
  const { state } = lc;
  const r = lc.recorder;
  if (kickoffHeld(state.decisions) || PHASES.indexOf(state.contract.phase) > PHASES.indexOf('kickoff')) {
    r.log(actor, 'event.ignored', `Date de réunion de lancement ignorée (${describeSchedule(schedule)}) : le lancement du marché est passé`);
    return;
  }
  const previous = state.kickoff;
  if (previous && sameSchedule(previous, schedule)) {
    r.log(actor, 'event.ignored', `Réunion de lancement inchangée (${describeSchedule(schedule)})`);
    return;
  }
  state.kickoff = { ...schedule, sequence: previous?.invited ? previous.sequence + 1 : 0, invited: previous?.invited ?? false };
  r.log(actor, previous ? 'kickoff.rescheduled' : 'kickoff.scheduled', `Réunion de lancement ${previous ? 'déplacée au' : 'fixée au'} ${describeSchedule(schedule)}`, { ...schedule });
  if (state.contract.phase === 'kickoff') invite(lc, 'REQUEST', previous?.invited ? previous : undefined);
}

/** At the kickoff phase: a date set before it is sent now. */
export async function inviteToKickoff(lc: Lifecycle): Promise<void> {
  const k = lc.state.kickoff;
  // Runs recorded before the calendar invitations never had a date to send.
  if (!k || k.invited || !patched('kickoff-calendar')) return;
  invite(lc, 'REQUEST');
  await lc.recorder.flush();
}

/** The contract ends before the meeting was held: the invitation is withdrawn (METHOD:CANCEL). Written by the closure. */
export function cancelKickoff(lc: Lifecycle): void {
  const { state } = lc;
  if (!kickoffToCancel(state.kickoff, state.decisions, isoDay(Date.now())) || !patched('kickoff-calendar')) return;
  const k = state.kickoff!;
  k.sequence++;
  k.cancelled = true;
  invite(lc, 'CANCEL');
}

function invite(lc: Lifecycle, method: KickoffMethod, previous?: KickoffSchedule): void {
  const { state, facts } = lc;
  const k = state.kickoff!;
  const attendees = kickoffAttendees(lc.checkContext);
  if (!attendees.length) {
    lc.recorder.log('system', 'kickoff.no-attendees', 'Pas d’invitation : ni partenaire d’insertion ni contact du titulaire à inviter');
    return;
  }
  const kind = method === 'CANCEL' ? 'kickoff-cancel' : k.invited ? 'kickoff-update' : 'kickoff-invitation';
  k.invited = true;
  const award = state.decisions['award-record'];
  const invitation: KickoffInvitation = {
    method, uid: kickoffUid(facts.id, state.contract.cycle), sequence: k.sequence, stamp: new Date().toISOString(),
    on: k.on, at: k.at, place: k.place, summary: `Réunion de lancement : ${facts.object}`,
    organizer: { name: facts.buyer.name, email: facts.buyer.email }, attendees, previous,
  };
  const who = attendees.map((a) => a.name).join(', ');
  const summary = {
    'kickoff-invitation': `Invitation à la réunion de lancement du ${describeSchedule(k)} envoyée : ${who}`,
    'kickoff-update': `Invitation mise à jour (réunion du ${describeSchedule(k)}) envoyée : ${who}`,
    'kickoff-cancel': `Réunion de lancement du ${describeSchedule(k)} annulée, annulation envoyée : ${who}`,
  }[kind];
  lc.recorder
    .log('system', kind === 'kickoff-cancel' ? 'kickoff.cancelled' : 'kickoff.invited', summary, { uid: invitation.uid, sequence: k.sequence })
    .notify({
      kind, to: attendees.map((a) => a.email), cc: [facts.buyer.email], partnerId: attendees.find((a) => a.partnerId)?.partnerId,
      data: { ...invitation, contractor: award?.outcome === 'awarded' ? award.supplier.name : undefined, reason: method === 'CANCEL' ? state.ended?.reason : undefined },
    });
}
