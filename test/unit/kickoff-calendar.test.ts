import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { POLICIES_DIR, readPolicy } from '../../activities/policy';
import { describeSchedule, kickoffAttendees, kickoffToCancel, kickoffUid, type KickoffInvitation } from '../../domain/kickoff';
import { kickoffCalendar, parisToUtc } from '../../mail/ical';
import { renderMail, type MailContext } from '../../mail/render';
import { answers, contractFacts } from '../support/contracts';

const invitation: KickoffInvitation = {
  method: 'REQUEST', uid: kickoffUid('CAM-2027-014', 1), sequence: 0, stamp: '2027-02-01T08:30:00.000Z',
  on: '2027-03-15', at: '10:00', place: 'Hôtel de ville, salle 3; 2e étage',
  summary: 'Réunion de lancement : Nettoyage des écoles, gymnases et bâtiments administratifs de la ville et de la métropole',
  organizer: { name: 'Camille Martin', email: 'camille@clermont.test' },
  attendees: [
    { name: 'PLIE de Clermont', email: 'plie@clermont.test', role: 'partner', partnerId: 'plie' },
    { name: 'Claire "Moreau"', email: 'claire@titulaire.test', role: 'contractor' },
  ],
};

const vevent = (ics: string) => {
  const cal = new ICAL.Component(ICAL.parse(ics));
  return { cal, event: cal.getFirstSubcomponent('vevent')! };
};

describe('kickoff invitation (iCalendar)', () => {
  it('is a REQUEST with a stable UID, the Paris time in UTC, the organizer and every attendee', () => {
    const part = kickoffCalendar(invitation, 'Ligne 1\nLigne 2');
    expect(part).toMatchObject({ method: 'REQUEST', filename: 'invitation.ics' });
    expect(part.content.split('\r\n').every((l) => Buffer.byteLength(l) <= 75)).toBe(true);
    const { cal, event } = vevent(part.content);
    expect(cal.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(event.getFirstPropertyValue('uid')).toBe('kickoff-CAM-2027-014-c1@spaser');
    expect(event.getFirstPropertyValue('sequence')).toBe(0);
    expect(String(event.getFirstPropertyValue('dtstart'))).toBe('2027-03-15T09:00:00Z'); // 10:00 in Paris, winter time
    expect(String(event.getFirstPropertyValue('dtend'))).toBe('2027-03-15T11:00:00Z');
    expect(String(event.getFirstPropertyValue('dtstamp'))).toBe('2027-02-01T08:30:00Z');
    expect(event.getFirstPropertyValue('summary')).toBe(invitation.summary);
    expect(event.getFirstPropertyValue('location')).toBe('Hôtel de ville, salle 3; 2e étage');
    expect(event.getFirstPropertyValue('description')).toBe('Ligne 1\nLigne 2');
    expect(event.getFirstPropertyValue('organizer')).toBe('mailto:camille@clermont.test');
    const attendees = event.getAllProperties('attendee');
    expect(attendees.map((a) => a.getFirstValue())).toEqual(['mailto:plie@clermont.test', 'mailto:claire@titulaire.test']);
    expect(attendees.map((a) => a.getParameter('cn'))).toEqual(['PLIE de Clermont', 'Claire Moreau']);
    expect(attendees[0]!.getParameter('rsvp')).toBe('TRUE');
  });

  it('writes summer time, a whole day without time, and a CANCEL', () => {
    expect(new Date(parisToUtc('2027-07-01', '10:00')).toISOString()).toBe('2027-07-01T08:00:00.000Z');
    expect(new Date(parisToUtc('2027-03-28', '03:30')).toISOString()).toBe('2027-03-28T01:30:00.000Z'); // the day clocks go forward
    const allDay = vevent(kickoffCalendar({ ...invitation, at: undefined, place: undefined }, '').content).event;
    expect(allDay.getFirstPropertyValue('dtstart')!.toString()).toBe('2027-03-15');
    expect(allDay.getFirstPropertyValue('dtend')!.toString()).toBe('2027-03-16');
    expect(allDay.getFirstPropertyValue('location')).toBeNull();
    const cancel = kickoffCalendar({ ...invitation, method: 'CANCEL', sequence: 2 }, '');
    expect(cancel.filename).toBe('annulation.ics');
    const { cal, event } = vevent(cancel.content);
    expect(cal.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(event.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(event.getFirstPropertyValue('sequence')).toBe(2);
  });

  it('is rendered in French with the .ics for nodemailer', () => {
    const ctx: MailContext = {
      kind: 'kickoff-update', collectivity: 'Clermont Auvergne Métropole',
      contract: { id: 'CAM-2027-014', object: 'Nettoyage des écoles', buyerName: 'Camille Martin', buyerEmail: 'camille@clermont.test', buyingService: 'Bâtiments' },
      data: { ...invitation, sequence: 1, previous: { on: '2027-03-08', at: '14:30' }, contractor: 'Nettoyage Auvergne SARL' },
      contractUrl: 'http://x.test/contrats/CAM-2027-014',
    };
    const mail = renderMail(ctx);
    expect(mail.subject).toBe('[SPASER] Réunion de lancement modifiée, 15 mars 2027 à 10:00, Hôtel de ville, salle 3; 2e étage – Nettoyage des écoles');
    for (const body of [mail.html, mail.text]) {
      expect(body).toContain('8 mars 2027 à 14:30');
      expect(body).toContain('Nettoyage Auvergne SARL');
      expect(body).toContain('PLIE de Clermont');
    }
    expect(vevent(mail.icalEvent!.content).event.getFirstPropertyValue('description')).toContain('Titulaire : Nettoyage Auvergne SARL');
    expect(renderMail({ ...ctx, kind: 'kickoff-invitation' }).subject).toMatch(/^\[SPASER\] Invitation : réunion de lancement du 15 mars 2027 à 10:00/);
    const cancel = renderMail({ ...ctx, kind: 'kickoff-cancel' });
    expect(cancel.subject).toMatch(/^\[SPASER\] Annulée : réunion de lancement du 15 mars 2027/);
    expect(cancel.text).toContain('est annulée');
    expect(renderMail({ ...ctx, kind: 'partner-update', data: { what: 'avenant' } }).icalEvent).toBeUndefined();
  });
});

describe('kickoff rules', () => {
  it('invites the insertion partner with a clause, and the contractor’s contact when the award names one', async () => {
    const policy = await readPolicy(POLICIES_DIR, 'clermont');
    const contract = contractFacts(Date.parse('2027-01-01'), 24);
    const award = answers.award(Date.parse('2027-01-01'), 12, { supplier: { ...answers.award(0, 1).supplier, contact: { name: 'Claire Moreau', email: 'claire@titulaire.test' } } });
    expect(kickoffAttendees({ contract, policy, decisions: {} })).toEqual([]);
    expect(kickoffAttendees({ contract, policy, decisions: { 'insertion-clause': { feasible: true, hours: 400 }, 'award-record': award as never } }).map((a) => [a.role, a.email])).toEqual([
      ['partner', policy.partners.find((p) => p.id === policy.insertionPartner)!.email],
      ['contractor', 'claire@titulaire.test'],
    ]);
    expect(kickoffAttendees({ contract, policy, decisions: { 'insertion-clause': { feasible: false, justification: 'Prestation intellectuelle' } as never } })).toEqual([]);
  });

  it('cancels an invitation sent for a meeting not held and still ahead', () => {
    const sent = { on: '2027-03-15', sequence: 1, invited: true };
    expect(kickoffToCancel(sent, {}, '2027-03-01')).toBe(true);
    expect(kickoffToCancel(sent, {}, '2027-03-16')).toBe(false); // past: held or not, nobody's calendar needs it
    expect(kickoffToCancel(sent, { 'kickoff-meeting': { heldOn: '2027-03-15' } }, '2027-03-01')).toBe(false);
    expect(kickoffToCancel({ ...sent, invited: false }, {}, '2027-03-01')).toBe(false);
    expect(kickoffToCancel({ ...sent, cancelled: true }, {}, '2027-03-01')).toBe(false);
    expect(describeSchedule({ on: '2027-04-01', at: '09:15', place: 'Mairie' })).toBe('1er avril 2027 à 09:15, Mairie');
  });
});
