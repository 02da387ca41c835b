import { describe, expect, it } from 'vitest';
import { renderMail, type MailContext } from '../../mail/render';

const base: Omit<MailContext, 'kind'> = {
  collectivity: 'Clermont Auvergne Métropole',
  contract: { id: 'CAM-2027-014', object: 'Nettoyage des <écoles>', buyerName: 'Camille Martin', buyerEmail: 'camille@clermont.test', buyingService: 'Bâtiments' },
  task: {
    id: 'CAM-2027-014:c1:insertion-clause', kind: 'insertion-clause', title: 'Clause d’insertion', why: 'Action 8 du SPASER',
    source: '003 action 8', dueAt: new Date('2027-03-15T10:00:00Z'), year: null, reminders: 2, assigneeEmail: 'camille@clermont.test',
  },
  data: {},
  answer: { url: 'http://x.test/repondre/abc.def', expiresAt: new Date('2027-04-14T10:00:00Z') },
  contractUrl: 'http://x.test/contrats/CAM-2027-014',
};

describe('mail rendering', () => {
  it('asks the question with why, source, due date and the answer link, in HTML and text', () => {
    const mail = renderMail({ ...base, kind: 'task-opened' });
    expect(mail.subject).toBe('[SPASER] À décider : Clause d’insertion – Nettoyage des <écoles>');
    for (const body of [mail.html, mail.text]) {
      expect(body).toContain('Action 8 du SPASER');
      expect(body).toContain('003 action 8');
      expect(body).toContain('15 mars 2027');
      expect(body).toContain('http://x.test/repondre/abc.def');
      expect(body).toContain('14 avril 2027');
    }
    expect(mail.html).toContain('Nettoyage des &lt;écoles&gt;');
    expect(mail.text).toContain('Nettoyage des <écoles>');
  });

  it('keeps one fact per line in the plain text, the footer too', () => {
    const lines = renderMail({ ...base, kind: 'task-opened' }).text.split('\n');
    expect(lines.find((l) => l.startsWith('Pourquoi : '))).toBe('Pourquoi : Action 8 du SPASER');
    expect(lines.some((l) => l.startsWith('Référence : '))).toBe(true);
    expect(lines.some((l) => l.startsWith('Voir le contrat : '))).toBe(true);
    expect(lines.find((l) => l.startsWith('Marché '))).toMatch(/^Marché \S+ · .+$/);
  });

  it('numbers reminders and tells the manager who was asked', () => {
    expect(renderMail({ ...base, kind: 'task-reminder' }).subject).toMatch(/^\[SPASER\] Relance n°2 : /);
    const escalation = renderMail({ ...base, kind: 'task-escalation' });
    expect(escalation.subject).toMatch(/^\[SPASER\] Sans réponse, à votre attention/);
    expect(escalation.text).toContain('Camille Martin (camille@clermont.test)');
  });

  it('asks for the yearly review with its own wording', () => {
    const mail = renderMail({ ...base, kind: 'task-opened', task: { ...base.task!, kind: 'annual-review', year: 2 } });
    expect(mail.subject).toBe('[SPASER] Revue annuelle du titulaire (année 2) : Nettoyage des <écoles>');
    expect(mail.text).toContain('plan de progrès');
  });

  it('gives the partner the facts of the kickoff', () => {
    const mail = renderMail({
      ...base, kind: 'partner-kickoff', task: undefined, answer: undefined,
      data: { partner: 'PLIE', contractor: 'Nettoyage Auvergne SARL', hours: 1200, startDate: '2027-05-01' },
    });
    for (const body of [mail.html, mail.text]) {
      expect(body).toContain('Nettoyage Auvergne SARL');
      expect(body).toMatch(/1\s200 heures/);
      expect(body).toContain('1 mai 2027');
      expect(body).toContain('camille@clermont.test');
    }
  });

  it('tells a partner what the phase asks that concerns it (003 actions 5, 8)', () => {
    const mail = renderMail({
      ...base, kind: 'partner-phase', task: undefined, answer: undefined,
      data: {
        partner: 'PLIE', phase: 'consultation', phaseName: 'la rédaction de la consultation', amountHT: 200000, plannedAwardDate: '2028-05-01',
        why: 'Le SPASER associe le PLIE à la rédaction de la consultation des marchés.',
        topics: [{ kind: 'insertion-clause', title: 'Faisabilité d’une clause d’insertion', why: 'Montant estimé > 90 000 € HT' }],
      },
    });
    expect(mail.subject).toBe('[SPASER] Pour avis, la rédaction de la consultation : Nettoyage des <écoles>');
    for (const body of [mail.html, mail.text]) {
      expect(body).toContain('Faisabilité d’une clause d’insertion');
      expect(body).toMatch(/200\s000 € HT/);
      expect(body).toContain('1 mai 2028');
      expect(body).toContain('camille@clermont.test');
    }
  });
});
