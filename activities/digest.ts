/**
 * The Monday digest (issue 18): for each person who chose it, one mail a week with their new questions, those due
 * this week and those overdue, each with its answer link; for a manager, the escalated questions of the contracts
 * they follow, by buying service, oldest first. Sent once per person and week, as a notification is (activities/
 * mail.ts): the row is claimed for a lease before SMTP and marked sent after the 250, with a Message-ID of its own.
 */
import { renderDigest, type DigestContext } from '../mail/render';
import { messageIdOf, sendOnce, type DeliveryResult, type MailDeps } from './mail';

const DAY = 86_400_000;

export function createDigestActivities(deps: MailDeps) {
  const { db } = deps;
  return {
    /** Everyone who chose the digest and can still sign in. */
    async digestRecipients(): Promise<string[]> {
      const people = await db.user.findMany({ where: { mailDigest: true, deactivatedAt: null }, select: { email: true }, orderBy: { email: 'asc' } });
      return people.map((p) => p.email);
    },

    /** The digest of `email` for the week starting on `week` (a Monday); nothing to say, no mail. */
    async sendDigest(email: string, week: string): Promise<DeliveryResult | { status: 'empty' }> {
      const id = `${email}|${week}`;
      const messageId = messageIdOf(`digest:${id}`);
      const existing = await db.mailDigest.findUnique({ where: { id }, select: { status: true } });
      if (existing?.status === 'sent') return { status: 'already-sent', messageId };
      const ctx = await digestContext(deps, email, week);
      if (!ctx || ctx.items === 0) return { status: 'empty' };
      await db.mailDigest.upsert({ where: { id }, create: { id, email, week, items: ctx.items }, update: { items: ctx.items } });
      return sendOnce(deps, 'mail_digests', id, messageId, async () => ({ to: email, ...renderDigest(ctx), headers: { 'X-Spaser-Digest': id } }));
    },
  };
}

/** What the digest lists, read at send time: the questions still open then. */
async function digestContext({ db, links, publicUrl }: MailDeps, email: string, week: string): Promise<DigestContext | undefined> {
  const person = await db.user.findUnique({ where: { email } });
  if (!person) return undefined;
  const collectivity = await db.collectivity.findUniqueOrThrow({ where: { id: person.collectivityId }, select: { name: true } });
  const monday = new Date(`${week}T00:00:00Z`);
  const nextMonday = new Date(monday.getTime() + 7 * DAY);
  const open = await db.task.findMany({
    where: { assigneeEmail: email, status: 'open', contract: { collectivityId: person.collectivityId } },
    include: { contract: { select: { id: true, object: true, buyingService: true } } }, orderBy: { dueAt: 'asc' },
  });
  const withLink = async (t: (typeof open)[number]) => ({
    title: t.title, contract: t.contract.object, contractId: t.contract.id, dueAt: t.dueAt, url: (await links.create({ taskId: t.id, email })).url,
  });
  const section = (keep: (t: (typeof open)[number]) => boolean) => Promise.all(open.filter(keep).map(withLink));
  const overdue = await section((t) => t.dueAt < monday);
  const dueThisWeek = await section((t) => t.dueAt >= monday && t.dueAt < nextMonday);
  const fresh = await section((t) => t.dueAt >= nextMonday && t.createdAt >= new Date(monday.getTime() - 7 * DAY));
  // A manager's escalations: the overdue questions already escalated on the contracts they follow, by service.
  const escalated = person.role === 'manager'
    ? await db.task.findMany({
      where: { status: 'open', escalatedAt: { not: null }, dueAt: { lt: monday }, contract: { collectivityId: person.collectivityId, managerEmail: email } },
      include: { contract: { select: { id: true, object: true, buyingService: true } } }, orderBy: { dueAt: 'asc' },
    })
    : [];
  const byService = new Map<string, { title: string; contract: string; contractId: string; dueAt: Date; assignee: string }[]>();
  for (const t of escalated) {
    const list = byService.get(t.contract.buyingService) ?? [];
    list.push({ title: t.title, contract: t.contract.object, contractId: t.contract.id, dueAt: t.dueAt, assignee: t.assigneeEmail });
    byService.set(t.contract.buyingService, list);
  }
  const escalations = [...byService].sort(([a], [b]) => a.localeCompare(b, 'fr')).map(([service, tasks]) => ({ service, tasks }));
  return {
    name: person.name, collectivity: collectivity.name, week: monday, overdue, dueThisWeek, fresh, escalations,
    items: overdue.length + dueThisWeek.length + fresh.length + escalated.length, tasksUrl: `${publicUrl}/taches`, preferencesUrl: `${publicUrl}/preferences`,
  };
}

export type DigestActivities = ReturnType<typeof createDigestActivities>;
