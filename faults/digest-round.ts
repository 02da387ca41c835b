/**
 * The fault suite's digest round (issue 18): people on the Monday digest each have a question open; the weekly digest
 * runs while the SMTP receiver is down, the worker is killed in the middle of it, then everything comes back. Each
 * person must get exactly one digest (one Message-ID), none of the per-question mails, and a second run sends none.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { messageIdOf } from '../activities/mail';
import { contractWorkflowId } from '../domain/contract';
import type { Db } from '../lib/db';
import { scriptedContracts } from '../load/scripted-contracts';
import { eventJson } from '../schemas/contract-events';
import type { Mailbox } from '../stack/mailbox';
import { mondayOf, weeklyDigest } from '../workflows/weekly-digest';
import type { FaultEnvironment } from './environment';
import type { Check } from './suite';
import type { KafkaMessage } from './workload';

export interface DigestRound {
  db: Db;
  temporal: Client;
  taskQueue: string;
  environment: FaultEnvironment;
  mailbox: Mailbox;
  /** Produces to the contract-events topic (retrying while the broker is down). */
  send: (messages: KafkaMessage[]) => Promise<void>;
  killWorker: () => Promise<void>;
  prefix: string;
  people: number;
  say: (line: string) => void;
}

export async function digestRound(r: DigestRound): Promise<Check[]> {
  const { db } = r;
  // One contract per person, registered through Kafka like the others; planned in the past, so its first question
  // is asked at once and stays open (nobody answers it).
  const contracts = scriptedContracts(r.people, { prefix: `${r.prefix}-digest`, seed: 5 }).map(({ facts }, i) => ({
    ...facts, buyer: { name: `Personne au récapitulatif ${i}`, email: `recap${i}.${r.prefix.toLowerCase()}@${facts.collectivityId}.test` },
  }));
  await db.user.createMany({
    data: contracts.map((c) => ({ id: randomUUID(), email: c.buyer.email, name: c.buyer.name, role: 'buyer' as const, collectivityId: c.collectivityId, mailDigest: true })),
  });
  const sentAt = Date.now();
  await r.send(contracts.map(({ id, collectivityId, ...registration }) => ({
    key: id,
    value: eventJson({ eventId: randomUUID(), type: 'contract.registered', source: 'fault-suite', collectivity: collectivityId, contractId: id, payload: registration }),
  })));
  const ids = contracts.map((c) => c.id);
  const emails = contracts.map((c) => c.buyer.email);
  await until('chaque question gardée pour le récapitulatif', async () =>
    (await db.notification.count({ where: { contractId: { in: ids }, kind: 'task-opened', status: 'digested' } })) >= r.people,
  () => questionsSeen(db, ids));
  r.say(`  récapitulatif : ${r.people} contrats enregistrés par Kafka, leur première question gardée en ${((Date.now() - sentAt) / 1000).toFixed(1)} s`);

  const week = mondayOf(Date.now());
  const rows = { id: { in: emails.map((e) => `${e}|${week}`) } };
  r.say(`  récapitulatif : ${r.people} personnes, récepteur SMTP arrêté, worker tué pendant l’envoi`);
  await r.environment.stop('mail');
  const run = await r.temporal.workflow.start(weeklyDigest, { taskQueue: r.taskQueue, workflowId: `${r.prefix}-digest-run`, args: [{ week }] });
  // In the middle of the run, for sure: a digest is claimed, and none can be sent while the receiver is down.
  await until('un récapitulatif en cours d’envoi', async () => (await db.mailDigest.count({ where: { ...rows, attempts: { gt: 0 } } })) > 0);
  await r.killWorker();
  await r.environment.start('mail');
  const first = await run.result();
  const second = await r.temporal.workflow.execute(weeklyDigest, { taskQueue: r.taskQueue, workflowId: `${r.prefix}-digest-rerun`, args: [{ week }] });
  await Promise.all(ids.map((id) => r.temporal.workflow.getHandle(contractWorkflowId(id)).terminate('fin de la suite de pannes').catch(() => undefined)));

  const sent = await db.mailDigest.findMany({ where: { ...rows, status: 'sent' }, select: { id: true, attempts: true } });
  const received = (await r.mailbox.list()).filter((m) => m.To.some((to) => emails.includes(to.Address)));
  const expected = new Set(emails.map((e) => messageIdOf(`digest:${e}|${week}`).slice(1, -1)));
  const copies = new Map<string, number>();
  for (const m of received) copies.set(m.MessageID, (copies.get(m.MessageID) ?? 0) + 1);
  const missing = [...expected].filter((id) => !copies.has(id)).length;
  const others = received.filter((m) => !expected.has(m.MessageID)).length;
  const resent = [...copies.values()].filter((n) => n > 1).length;
  return [{
    name: 'un récapitulatif par personne et par semaine, malgré le worker tué pendant l’envoi',
    ok: sent.length === r.people && !missing && !others && second.sent === 0,
    detail: `${sent.length} récapitulatifs envoyés pour ${r.people} personnes (${sent.reduce((n, s) => n + s.attempts, 0)} tentatives), ` +
      `${first.sent} au premier passage, ${second.sent} au second ; ${received.length} messages reçus` +
      (missing ? ` ; ${missing} jamais reçus` : '') + (others ? ` ; ${others} autres mails à ces personnes` : '') +
      (resent ? ` ; ${resent} remis de nouveau avec le même Message-ID` : ''),
  }];
}

/** Waits on a state of the database, up to two minutes; in vain, says what it saw (`seen`). */
async function until(what: string, reached: () => Promise<boolean>, seen?: () => Promise<string>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await reached().catch(() => false))) {
    if (Date.now() > deadline) {
      const state = seen ? await seen().catch((err: Error) => `état illisible : ${err.message}`) : '';
      throw new Error(`suite de pannes : attendu en vain : ${what}${state ? ` (vu : ${state})` : ''}`);
    }
    await delay(200);
  }
}

/** Where the round's contracts stand: registered in the database, and their first questions' mails by status. */
async function questionsSeen(db: Db, ids: string[]): Promise<string> {
  const [contracts, mails] = await Promise.all([
    db.contract.count({ where: { id: { in: ids } } }),
    db.notification.groupBy({ by: ['kind', 'status'], where: { contractId: { in: ids } }, _count: true }),
  ]);
  const byStatus = mails.map((m) => `${m.kind} ${m.status} : ${m._count}`).join(', ');
  return `${contracts}/${ids.length} contrats enregistrés ; courriels : ${byStatus || 'aucun'}`;
}
