/**
 * The kickoff invitation as iCalendar (RFC 5545), for nodemailer's `icalEvent` (a text/calendar alternative and an
 * .ics attachment). Built from the recorded invitation only, so every retry of a mail sends the same bytes.
 */
import { KICKOFF_MINUTES, type KickoffInvitation } from '../domain/kickoff';

export interface CalendarPart {
  method: KickoffInvitation['method'];
  filename: string;
  content: string;
}

export function kickoffCalendar(inv: KickoffInvitation, description: string): CalendarPart {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//SPASER en actes//Reunion de lancement//FR',
    'CALSCALE:GREGORIAN',
    `METHOD:${inv.method}`,
    'BEGIN:VEVENT',
    `UID:${inv.uid}`,
    `SEQUENCE:${inv.sequence}`,
    `DTSTAMP:${utcStamp(Date.parse(inv.stamp))}`,
    ...when(inv),
    `SUMMARY:${text(inv.summary)}`,
    `DESCRIPTION:${text(description)}`,
    ...(inv.place ? [`LOCATION:${text(inv.place)}`] : []),
    `ORGANIZER;CN=${param(inv.organizer.name)}:mailto:${inv.organizer.email}`,
    ...inv.attendees.map((a) => `ATTENDEE;CN=${param(a.name)};CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${a.email}`),
    `STATUS:${inv.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return { method: inv.method, filename: inv.method === 'CANCEL' ? 'annulation.ics' : 'invitation.ics', content: lines.map(fold).join('\r\n') + '\r\n' };
}

/** A time is Paris time, written in UTC (no VTIMEZONE to ship); a day without time is an all-day event. */
function when({ on, at }: KickoffInvitation): string[] {
  if (!at) return [`DTSTART;VALUE=DATE:${on.replaceAll('-', '')}`, `DTEND;VALUE=DATE:${nextDay(on).replaceAll('-', '')}`];
  const start = parisToUtc(on, at);
  return [`DTSTART:${utcStamp(start)}`, `DTEND:${utcStamp(start + KICKOFF_MINUTES * 60_000)}`];
}

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const utcStamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

const paris = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});

/** Paris's offset from UTC at an instant, in ms. */
function parisOffset(ms: number): number {
  const p = Object.fromEntries(paris.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) - ms;
}

/** The instant of a Paris wall-clock time (the offset read twice, for the days the clocks change). */
export function parisToUtc(day: string, hhmm: string): number {
  const wall = Date.parse(`${day}T${hhmm}:00Z`);
  const guess = wall - parisOffset(wall);
  return wall - parisOffset(guess);
}

/** TEXT values: backslash, semicolon, comma and newlines escaped (RFC 5545 3.3.11). */
const text = (s: string) => s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
/** A parameter value: quoted, without the double quotes and controls it may not hold (3.2). */
const param = (s: string) => `"${s.replace(/["\r\n]/g, '')}"`;

/** Lines longer than 75 octets are folded, never inside a UTF-8 character (3.1). */
function fold(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch);
    const limit = out.length ? 74 : 75; // a continuation line starts with a space
    if (octets + size > limit) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n ');
}
