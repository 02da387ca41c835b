/**
 * Sends a recorded notification, once. A send attempt claims the row for a lease before talking SMTP and marks it
 * sent after the server's 250, with a Message-ID derived from the notification id:
 * - a retry after a timeout finds the row claimed (the first attempt may still be talking to SMTP) and waits for
 *   the lease; by then the first attempt has marked it sent, and the retry sends nothing;
 * - a worker killed before the 250 leaves the row claimed; the server dropped the unfinished message, and after the
 *   lease the retry sends it;
 * - an error before the message was handed over (rendering, SMTP connection or envelope) releases the claim at once.
 * The one gap left: killed between the 250 and the UPDATE (a few ms). The retry then resends with the same
 * Message-ID, which mail servers and clients use to drop duplicates.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { createHash } from 'node:crypto';
import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import type { SendMailOptions, Transporter } from 'nodemailer';
import type { NotificationKind } from '../domain/records';
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import { Prisma } from '../prisma/generated/client';
import { TaskLinks } from '../mail/links';
import { renderMail, type MailContext, type MailTask } from '../mail/render';

export interface MailDeps {
  db: Db;
  mailer: Transporter;
  mailFrom: string;
  links: TaskLinks;
  publicUrl: string;
  leaseMs: number;
}

export interface DeliveryResult {
  /** `digested`: held for the recipient's Monday digest instead (activities/digest.ts). */
  status: 'sent' | 'already-sent' | 'digested';
  messageId: string;
}

/** The mails a person may take in their weekly digest instead: questions, reminders, escalations. */
const DIGESTIBLE = new Set(['task-opened', 'task-reminder', 'task-escalation']);

/** The mail activities' settings, from the product's config. */
export function mailDeps(config: Config, db: Db, mailer: Transporter): MailDeps {
  return { db, mailer, mailFrom: config.smtp.from, links: TaskLinks.fromConfig(config.web), publicUrl: config.web.publicUrl, leaseMs: config.mail.leaseMs };
}

/** SMTP errors raised before the message was handed over: nothing was delivered, the claim can go. */
const NOT_DELIVERED = new Set(['ECONNECTION', 'EDNS', 'EAUTH', 'ENOAUTH', 'EENVELOPE', 'ETLS', 'EREQUIRETLS']);

/** The mail's Message-ID: the same for every attempt at one notification. */
export function messageIdOf(notificationId: string, domain = 'spaser.local'): string {
  return `<${createHash('sha256').update(notificationId).digest('hex').slice(0, 32)}@${domain}>`;
}

export function createMailActivities(deps: MailDeps) {
  const { db } = deps;
  return {
    async deliverMail(notificationId: string): Promise<DeliveryResult> {
      const messageId = messageIdOf(notificationId);
      if (await heldForDigest(db, notificationId)) return { status: 'digested', messageId };
      return sendOnce(deps, 'notifications', notificationId, messageId, async () => {
        const mail = await notificationToSend(db, notificationId);
        return {
          to: mail.to, cc: mail.cc, ...renderMail(await mailContext(deps, mail)),
          headers: { 'X-Spaser-Notification': notificationId, 'X-Spaser-Contract': mail.contract.id },
        };
      });
    },
  };
}

type MailRow = 'notifications' | 'mail_digests';

/**
 * One mail sent once, as the header says: its row (a notification, a digest) claimed for a lease and kept alive,
 * the message built (`compose`), handed to SMTP, then the row marked sent; released at once when nothing left.
 */
export async function sendOnce(deps: MailDeps, table: MailRow, id: string, messageId: string, compose: () => Promise<Omit<SendMailOptions, 'from' | 'messageId'>>): Promise<DeliveryResult> {
  const { db, mailer, mailFrom, leaseMs } = deps;
  const attempt = await claim(db, table, id, leaseMs, messageId);
  if (attempt === undefined) {
    const [row] = await db.$queryRaw<{ status: string }[]>`SELECT status FROM ${Prisma.raw(table)} WHERE id = ${id}`;
    if (!row) throw ApplicationFailure.nonRetryable(`courriel inconnu : ${id}`, 'NotificationNotFound');
    if (row.status === 'sent') return { status: 'already-sent', messageId };
    throw ApplicationFailure.retryable('envoi en cours par une autre tentative', 'MailInFlight');
  }
  const ours = Prisma.sql`id = ${id} AND status = 'sending' AND attempts = ${attempt}`;
  const update = (set: Prisma.Sql) => db.$executeRaw`UPDATE ${Prisma.raw(table)} SET ${set} WHERE ${ours}`;
  // While we are alive the claim is ours: heartbeat Temporal, extend the lease.
  const keepAlive = setInterval(() => {
    heartbeat();
    void update(Prisma.sql`lease_until = ${new Date(Date.now() + leaseMs)}`).catch(() => undefined);
  }, Math.max(200, Math.floor(leaseMs / 3)));
  let handedOver = false;
  try {
    const message = await compose();
    handedOver = true;
    const info = await mailer.sendMail({ from: mailFrom, messageId, ...message });
    // Handed over: it must never go again. Should the database be down (a restart), keep the claim alive and
    // retry the record rather than fail the attempt, which would send the mail a second time.
    await untilWritten(() => update(Prisma.sql`status = 'sent', sent_at = ${new Date()}, smtp_response = ${String(info.response)}, lease_until = NULL`));
    return { status: 'sent', messageId };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (!handedOver || (code && NOT_DELIVERED.has(code))) await update(Prisma.sql`status = 'failed', lease_until = NULL`);
    throw err;
  } finally {
    clearInterval(keepAlive);
  }
}

/** Retries a write once a second for up to `forMs` (an activity heartbeating meanwhile keeps its attempt). */
async function untilWritten<T>(write: () => Promise<T>, forMs = 90_000): Promise<T> {
  const deadline = Date.now() + forMs;
  for (;;) {
    try {
      return await write();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await delay(1000);
    }
  }
}

/**
 * A question, reminder or escalation whose recipients all chose the Monday digest ("Mes préférences") is not sent on
 * its own: marked `digested`, it is in their next digest. Decided once, at the first attempt. One statement (this is
 * on every mail's path; the bench's CPU profile counted each Prisma query).
 */
async function heldForDigest(db: Db, id: string): Promise<boolean> {
  const [row] = await db.$queryRaw<{ held: boolean }[]>`
    WITH held AS (
      UPDATE notifications n SET status = 'digested'
       WHERE n.id = ${id} AND n.status = 'pending' AND n.kind = ANY(${[...DIGESTIBLE]})
         AND (SELECT count(*) FROM users u WHERE u.email = ANY(n."to") AND u.mail_digest AND u.deactivated_at IS NULL) >= cardinality(n."to")
      RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM held) OR EXISTS (SELECT 1 FROM notifications WHERE id = ${id} AND status = 'digested') AS held`;
  return row?.held === true;
}

/** Takes a mail (a notification, a digest) for one attempt if nobody holds it; returns the attempt number, or undefined. */
async function claim(db: Db, table: MailRow, id: string, leaseMs: number, messageId: string): Promise<number | undefined> {
  const rows = await db.$queryRaw<{ attempts: number }[]>`
    UPDATE ${Prisma.raw(table)}
       SET status = 'sending', attempts = attempts + 1, message_id = ${messageId},
           lease_until = now() + make_interval(secs => ${leaseMs / 1000})
     WHERE id = ${id}
       AND (status IN ('pending', 'failed') OR (status = 'sending' AND lease_until < now()))
    RETURNING attempts`;
  return rows[0]?.attempts;
}

/** A notification with what its mail shows: its contract, collectivity and task, read in one query at send time. */
interface NotificationToSend {
  kind: NotificationKind;
  to: string[];
  cc: string[];
  data: Record<string, unknown> | null;
  collectivity: string;
  contract: MailContext['contract'];
  task?: MailTask;
}

async function notificationToSend(db: Db, id: string): Promise<NotificationToSend> {
  const [row] = await db.$queryRaw<(Omit<NotificationToSend, 'contract' | 'task'> & MailContext['contract'] & { contractId: string; task: MailTask | null })[]>`
    SELECT n.kind, n."to", n.cc, n.data, k.name AS collectivity, c.id AS "contractId", c.object, c.buyer_name AS "buyerName",
           c.buyer_email AS "buyerEmail", c.buying_service AS "buyingService",
           CASE WHEN t.id IS NULL THEN NULL ELSE json_build_object('id', t.id, 'kind', t.kind, 'title', t.title, 'why', t.why, 'source', t.source,
             'dueAt', t.due_at, 'year', t.year, 'reminders', t.reminders, 'assigneeEmail', t.assignee_email) END AS task
      FROM notifications n
      JOIN contracts c ON c.id = n.contract_id
      JOIN collectivities k ON k.id = c.collectivity_id
      LEFT JOIN tasks t ON t.id = n.task_id
     WHERE n.id = ${id}`;
  if (!row) throw ApplicationFailure.nonRetryable(`courriel inconnu : ${id}`, 'NotificationNotFound');
  const { contractId, object, buyerName, buyerEmail, buyingService, task, ...mail } = row;
  return {
    ...mail,
    contract: { id: contractId, object, buyerName, buyerEmail, buyingService },
    // JSON carries the due date as text (timestamp without time zone, in UTC): back to a Date.
    task: task ? { ...task, dueAt: new Date(`${String(task.dueAt)}Z`) } : undefined,
  };
}

/** Everything the templates show; a reminder carries a fresh link. */
async function mailContext({ links, publicUrl }: MailDeps, n: NotificationToSend): Promise<MailContext> {
  const asksAnswer = n.task && n.kind.startsWith('task-');
  return {
    kind: n.kind,
    collectivity: n.collectivity,
    contract: n.contract,
    task: n.task,
    data: n.data ?? {},
    answer: asksAnswer ? await links.create({ taskId: n.task!.id, email: n.to[0]! }) : undefined,
    contractUrl: `${publicUrl}/contrats/${encodeURIComponent(n.contract.id)}`,
  };
}

export type MailActivities = ReturnType<typeof createMailActivities>;
