/**
 * The kickoff meeting in people's calendars: who is invited, the invitation's stable identity, and when it must be
 * cancelled. Pure: the workflow keeps the state, the mail activity turns an invitation into iCalendar (mail/ical.ts).
 */
import type { CheckContext, Decisions } from './rules';
import { insertionPartnerInvited } from './rules';

/** The date the buyer sets (event `kickoff.scheduled`): a day, and a Paris time and a place when known. */
export interface KickoffSchedule {
  on: string;
  /** 'HH:MM', Europe/Paris; without it the meeting is a whole day. */
  at?: string;
  place?: string;
}

/** What the workflow carries: the schedule, its SEQUENCE, and whether attendees have been sent it. */
export interface KickoffState extends KickoffSchedule {
  /** 0 for the first invitation, one more for each change sent and for the cancellation. */
  sequence: number;
  /** A REQUEST went out: later changes are updates; an end before the meeting sends a CANCEL. */
  invited: boolean;
  cancelled?: boolean;
}

export interface Attendee {
  name: string;
  email: string;
  role: 'partner' | 'contractor';
  partnerId?: string;
}

export type KickoffMethod = 'REQUEST' | 'CANCEL';

/** What an invitation mail carries (notification data): everything the .ics is made of, fixed when recorded. */
export interface KickoffInvitation extends KickoffSchedule {
  method: KickoffMethod;
  uid: string;
  sequence: number;
  /** DTSTAMP: the workflow's time when the change was recorded. */
  stamp: string;
  summary: string;
  organizer: { name: string; email: string };
  attendees: Attendee[];
  /** The schedule it replaces (an update). */
  previous?: KickoffSchedule;
}

/** How long a meeting with a time lasts in the invitation. */
export const KICKOFF_MINUTES = 120;

/** The same for every invitation, update and cancellation of one contract's cycle. */
export function kickoffUid(contractId: string, cycle: number): string {
  return `kickoff-${contractId}-c${cycle}@spaser`;
}

/** The insertion partner when a clause was retained (003 actions 8, 10); the contractor's contact when known. */
export function kickoffAttendees(ctx: CheckContext): Attendee[] {
  const { policy, decisions } = ctx;
  const attendees: Attendee[] = [];
  const partner = insertionPartnerInvited(ctx) ? policy.partners.find((p) => p.id === policy.insertionPartner) : undefined;
  if (partner) attendees.push({ name: partner.name, email: partner.email, role: 'partner', partnerId: partner.id });
  const award = decisions['award-record'];
  const contact = award?.outcome === 'awarded' ? award.supplier.contact : undefined;
  if (contact) attendees.push({ name: contact.name, email: contact.email, role: 'contractor' });
  return attendees;
}

export function kickoffHeld(decisions: Decisions): boolean {
  return decisions['kickoff-meeting'] !== undefined;
}

export const sameSchedule = (a: KickoffSchedule, b: KickoffSchedule) => a.on === b.on && a.at === b.at && a.place === b.place;

/** An invitation sent for a meeting not held yet, and still ahead (`today`), is cancelled when the contract ends. */
export function kickoffToCancel(kickoff: KickoffState | undefined, decisions: Decisions, today: string): boolean {
  return !!kickoff?.invited && !kickoff.cancelled && !kickoffHeld(decisions) && kickoff.on >= today;
}

const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];

/** The schedule in French, for the audit trail and the mails: « 15 mars 2027 à 10:00, Hôtel de ville ». */
export function describeSchedule(s: KickoffSchedule): string {
  const [y, m, d] = s.on.split('-').map(Number) as [number, number, number];
  return `${d === 1 ? '1er' : d} ${MONTHS[m - 1]} ${y}${s.at ? ` à ${s.at}` : ''}${s.place ? `, ${s.place}` : ''}`;
}
