import { expect } from 'vitest';
import { messageIdOf } from '../../activities/mail';
import type { Db } from '../../lib/db';
import { TaskLinks } from '../../mail/links';
import { testConfig } from './env';
import { eventually } from './eventually';
import { Mailbox } from '../../stack/mailbox';

const SUBJECTS: Record<string, RegExp> = {
  'task-opened': /^\[SPASER\] (À décider|Revue annuelle)/,
  'task-reminder': /^\[SPASER\] Relance n°\d/,
  'task-escalation': /^\[SPASER\] Sans réponse, à votre attention/,
  'partner-kickoff': /^\[SPASER\] Lancement d’un marché avec clause d’insertion/,
  'partner-update': /^\[SPASER\] /,
  'partner-phase': /^\[SPASER\] Pour avis, /,
  'kickoff-invitation': /^\[SPASER\] Invitation : réunion de lancement du /,
  'kickoff-update': /^\[SPASER\] Réunion de lancement modifiée, /,
  'kickoff-cancel': /^\[SPASER\] Annulée : réunion de lancement du /,
};

/**
 * Every mail a contract's workflow recorded reached the SMTP receiver exactly once, to the right people, with the
 * right subject, and each question's mail carries a link that opens that question for that person.
 */
export async function expectMailsDelivered(db: Db, contractId: string): Promise<Record<string, number>> {
  const config = testConfig();
  const links = TaskLinks.fromConfig(config.web);
  const notifications = await eventually('every mail to be sent', async () => {
    const rows = await db.notification.findMany({ where: { contractId }, orderBy: { createdAt: 'asc' } });
    return rows.every((n) => n.status === 'sent') ? rows : undefined;
  });
  const mailbox = new Mailbox(config.mailApiUrl);
  const received = await mailbox.list();
  const kinds: Record<string, number> = {};
  for (const n of notifications) {
    kinds[n.kind] = (kinds[n.kind] ?? 0) + 1;
    const copies = received.filter((m) => m.MessageID === messageIdOf(n.id).slice(1, -1));
    expect(copies, `one copy of ${n.id}`).toHaveLength(1);
    const mail = await mailbox.get(copies[0]!.ID);
    expect(mail.To.map((t) => t.Address)).toEqual(n.to);
    expect(mail.Subject, n.kind).toMatch(SUBJECTS[n.kind]!);
    if (n.kind.startsWith('task-')) {
      const token = /\/repondre\/([\w.-]+)/.exec(mail.Text)?.[1];
      expect(token, `link in ${n.id}`).toBeDefined();
      expect(await links.verify(token!)).toMatchObject({ ok: true, claims: { taskId: n.taskId, email: n.to[0] } });
    }
  }
  return kinds;
}
