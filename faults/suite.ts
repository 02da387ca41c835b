/**
 * The fault suite: a few hundred contracts registered through Kafka and answered by their people while the worker
 * is killed (SIGKILL) again and again and Kafka, PostgreSQL and the SMTP receiver are restarted; duplicates,
 * out-of-order events and poison messages go in with them. Then it checks that nothing was lost or doubled.
 */
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Kafka } from 'kafkajs';
import { POLICIES_DIR, readPolicy } from '../activities/policy';
import { messageIdOf } from '../activities/mail';
import { benchTemporal } from '../bench/temporal';
import type { Policy } from '../domain/policy';
import { createDb, type Db } from '../lib/db';
import { createKafka, ensureTopics, topics } from '../lib/kafka';
import { createProducer, type EventProducer } from '../lib/kafka-producer';
import { createLogger } from '../lib/logger';
import { driveLifecycle } from '../load/lifecycle-driver';
import { inPool } from '../load/pool';
import { waitForPollers, WorkerProcess } from '../load/worker-process';
import { freshDatabase } from '../prisma/fresh-database';
import { Mailbox } from '../stack/mailbox';
import { writeWorkflowBundle } from '../workers/worker';
import { digestRound } from './digest-round';
import { faultEnvironment, type FaultEnvironment, type FaultyPart, type TemporalEngine } from './environment';
import { answersByHand, contractMessages, expectedIndicators, expectsPartnerKickoff, faultContracts, poisonMessages, type FaultContract, type KafkaMessage } from './workload';

const script = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const WORKER = script('../workers/worker.ts');
const CONSUMER = script('../workers/consumer.ts');
const RELAY = script('../workers/relay.ts');

export interface FaultSuiteOptions {
  contracts: number;
  poison: number;
  /** Time between two faults; they cycle worker kill, Kafka, worker kill, PostgreSQL, worker kill, SMTP receiver. */
  faultEveryMs: number;
  concurrency: number;
  /** People on the Monday digest in the digest round (0: no round). */
  digestPeople?: number;
  /** Leave the suite's PostgreSQL, Kafka and SMTP receiver running afterwards (the next run reuses them). */
  keepServices?: boolean;
  /** Added to the suite's service ports (see faultEnvironment). */
  ports?: number;
  /** `cluster`: the suite runs its own two Temporal nodes on its PostgreSQL and kills them in turn. */
  temporal?: TemporalEngine;
  say?: (line: string) => void;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface FaultReport {
  run: string;
  contracts: number;
  seconds: number;
  faults: Record<string, number>;
  checks: Check[];
  ok: boolean;
}

const FAULT_CYCLE: ('worker' | FaultyPart)[] = ['worker', 'kafka', 'worker', 'postgres', 'worker', 'mail'];
// On the cluster a Temporal node is killed twice a cycle, so each of the two nodes goes down at least once.
const CLUSTER_FAULT_CYCLE: ('worker' | FaultyPart)[] = ['worker', 'temporal', 'kafka', 'worker', 'postgres', 'temporal', 'worker', 'mail'];

export async function runFaultSuite(options: FaultSuiteOptions): Promise<FaultReport> {
  const say = options.say ?? (() => undefined);
  const run = Date.now().toString(36);
  const environment = faultEnvironment(run, { ports: options.ports, temporal: options.temporal });
  const { config } = environment;
  const cycle = options.temporal === 'cluster' ? CLUSTER_FAULT_CYCLE : FAULT_CYCLE;
  say(`Démarrage des services de la suite (${options.temporal === 'cluster' ? 'PostgreSQL, grappe Temporal, Kafka, SMTP' : 'PostgreSQL, Kafka, SMTP'})…`);
  // A part that does not come up must not leave the others running (they hold the suite's ports for the next run).
  await environment.up().catch(async (err: unknown) => {
    await environment.down();
    throw err;
  });
  await freshDatabase(config.databaseUrl);
  const mailbox = new Mailbox(config.mailApiUrl);
  await fetch(`${config.mailApiUrl}/api/v1/messages`, { method: 'DELETE' });
  environment.env.WORKFLOW_BUNDLE_PATH = await writeWorkflowBundle(join(config.stackDir, 'faults'));

  const temporal = await benchTemporal(config);
  const logger = createLogger('faults', 'silent');
  const kafka = createKafka(config.kafka, logger);
  const names = topics(config.kafka.topicPrefix);
  await ensureTopics(kafka, [names.contractEvents, names.contractEventsDeadLetters]);
  const producer = createProducer(kafka, logger);
  await producer.connect();
  const db = createDb(config.databaseUrl);
  const taskQueue = config.temporal.taskQueue;

  const processes = new Processes(environment, temporal, taskQueue);
  const contracts = faultContracts(options.contracts, `F${run}`);
  const poison = poisonMessages(options.poison, `F${run}`);
  const faults: Record<string, number> = {};
  const started = Date.now();
  try {
    await processes.startAll();
    say(`${contracts.length} contrats, ${poison.length} messages empoisonnés, une panne toutes les ${options.faultEveryMs / 1000} s…`);
    let driving = true;
    const faultLoop = (async () => {
      // Every kind of fault happens at least once, however fast the contracts close.
      for (let i = 0; driving || i < cycle.length; i++) {
        await delay(options.faultEveryMs);
        const part = cycle[i % cycle.length]!;
        faults[part] = (faults[part] ?? 0) + 1;
        if (part === 'worker') {
          say('  panne : worker tué (SIGKILL)');
          await processes.killWorker();
        } else {
          say(`  panne : ${await environment.restart(part, 2000)}`);
        }
      }
    })();
    const poisonEvery = Math.max(1, Math.floor(contracts.length / Math.max(1, poison.length)));
    let poisoned = 0;
    await inPool(contracts, options.concurrency, async (c, i) => {
      await send(producer, names.contractEvents, contractMessages(c));
      if (i % poisonEvery === 0 && poisoned < poison.length) await send(producer, names.contractEvents, [poison[poisoned++]!]);
      return driveLifecycle(temporal, taskQueue, c, { start: false, answers: answersByHand(c), tolerateFaults: true, timeoutMs: 20 * 60_000, readFrom: db });
    });
    driving = false;
    await faultLoop;
    await send(producer, names.contractEvents, poison.slice(poisoned));
    say(`Tous les contrats sont clos en ${Math.round((Date.now() - started) / 1000)} s ; vérifications…`);

    const policies = Object.fromEntries(await Promise.all(['clermont', 'dijon'].map(async (id) => [id, await readPolicy(POLICIES_DIR, id)] as const)));
    const timed = async <T>(what: string, check: () => Promise<T>): Promise<T> => {
      const t0 = Date.now();
      const result = await check();
      say(`  ${what} : ${Math.round((Date.now() - t0) / 1000)} s`);
      return result;
    };
    const checks = [
      await timed('états', () => checkStates(db, contracts)),
      ...(await timed('mails', () => checkMails(db, mailbox, contracts, policies))),
      await timed('indicateurs', () => checkIndicators(db, contracts, policies)),
      await timed('événements sortants', () => checkOutbox(db)),
      await timed('file des rejets', () => checkDeadLetters(kafka, names.contractEventsDeadLetters, poison)),
    ];
    // After the mail checks, which count every message the receiver got as one of the contracts' mails.
    if (options.digestPeople) {
      faults.worker = (faults.worker ?? 0) + 1;
      checks.push(...(await timed('récapitulatifs', () => digestRound({
        db, temporal, taskQueue, environment, mailbox, prefix: `F${run}`, people: options.digestPeople!, say,
        send: (messages) => send(producer, names.contractEvents, messages), killWorker: () => processes.killWorker(),
      }))));
    }
    return { run, contracts: contracts.length, seconds: Math.round((Date.now() - started) / 1000), faults, checks, ok: checks.every((c) => c.ok) };
  } finally {
    await processes.stopAll();
    await Promise.allSettled([producer.disconnect(), db.$disconnect(), temporal.connection.close()]);
    if (!options.keepServices) await environment.down();
  }
}

/** The product's processes, run as in production; the worker is the one killed. */
class Processes {
  private worker?: WorkerProcess;
  private others: WorkerProcess[] = [];

  constructor(
    private readonly environment: FaultEnvironment,
    private readonly temporal: Awaited<ReturnType<typeof benchTemporal>>,
    private readonly taskQueue: string,
  ) {}

  async startAll(): Promise<void> {
    this.others = [WorkerProcess.spawn(CONSUMER, this.environment.env), WorkerProcess.spawn(RELAY, this.environment.env)];
    await this.startWorker();
  }

  async killWorker(): Promise<void> {
    await this.worker?.stop('SIGKILL');
    await delay(1000);
    await this.startWorker();
  }

  async stopAll(): Promise<void> {
    await Promise.all([this.worker, ...this.others].map((p) => p?.stop()));
  }

  private async startWorker(): Promise<void> {
    this.worker = WorkerProcess.spawn(WORKER, this.environment.env);
    await waitForPollers(this.temporal, this.taskQueue, 1, [this.worker.identityPrefix()]);
  }
}

/** Produces, retrying while the broker is down (the idempotent producer keeps a retry from doubling a message). */
async function send(producer: EventProducer, topic: string, messages: KafkaMessage[]): Promise<void> {
  if (!messages.length) return;
  for (let attempt = 0; ; attempt++) {
    try {
      await producer.send({ topic, messages });
      return;
    } catch (err) {
      if (attempt > 120) throw err;
      await delay(1000);
    }
  }
}

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined || Date.now() > deadline) return value;
    await delay(1000);
  }
}

async function checkStates(db: Db, contracts: FaultContract[]): Promise<Check> {
  const rows = await db.contract.findMany({ where: { id: { in: contracts.map((c) => c.facts.id) } }, select: { id: true, status: true, phase: true } });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const wrong = contracts.filter((c) => byId.get(c.facts.id)?.status !== c.status || byId.get(c.facts.id)?.phase !== 'closure');
  const counts = contracts.reduce<Record<string, number>>((acc, c) => ({ ...acc, [c.status]: (acc[c.status] ?? 0) + 1 }), {});
  return {
    name: 'chaque contrat dans l’état attendu', ok: wrong.length === 0,
    detail: wrong.length ? `${wrong.length} en écart, dont ${wrong.slice(0, 3).map((c) => `${c.facts.id} (${byId.get(c.facts.id)?.status ?? 'absent'} ≠ ${c.status})`).join(', ')}` : JSON.stringify(counts),
  };
}

async function checkMails(db: Db, mailbox: Mailbox, contracts: FaultContract[], policies: Record<string, Policy>): Promise<Check[]> {
  const where = { contractId: { in: contracts.map((c) => c.facts.id) } };
  const notifications = (await eventually(async () => {
    const rows = await db.notification.findMany({ where, select: { id: true, kind: true, status: true } });
    return rows.every((n) => n.status === 'sent') ? rows : undefined;
  }, 180_000)) ?? (await db.notification.findMany({ where, select: { id: true, kind: true, status: true } }));
  const received = await mailbox.list();
  const copies = new Map<string, number>();
  for (const m of received) copies.set(m.MessageID, (copies.get(m.MessageID) ?? 0) + 1);
  const idOf = (n: { id: string }) => messageIdOf(n.id).slice(1, -1);
  const missing = notifications.filter((n) => !copies.has(idOf(n)));
  // SMTP cannot tell a sender whether a receiver that died between storing a message and its 250 kept it: the retry
  // sends it again with the same Message-ID, which mailboxes show once. Counted and told, not hidden.
  const resent = notifications.filter((n) => (copies.get(idOf(n)) ?? 0) > 1);
  const known = new Set(notifications.map(idOf));
  const strays = received.filter((m) => !known.has(m.MessageID)).length;
  const tasks = await db.task.count({ where });
  const opened = notifications.filter((n) => n.kind === 'task-opened').length;
  const kickoffs = notifications.filter((n) => n.kind === 'partner-kickoff').length;
  const expectedKickoffs = contracts.filter((c) => expectsPartnerKickoff(c, policies[c.facts.collectivityId]!)).length;
  return [
    {
      name: 'chaque mail reçu une fois (un seul Message-ID par mail)', ok: !missing.length && !strays,
      detail: `${notifications.length} mails enregistrés, ${received.length} messages reçus` +
        (missing.length ? ` ; ${missing.length} jamais reçus (${missing.slice(0, 3).map((n) => n.id).join(', ')})` : '') +
        (strays ? ` ; ${strays} messages inconnus` : '') +
        (resent.length ? ` ; ${resent.length} remis de nouveau avec le même Message-ID (récepteur arrêté entre l’enregistrement et le 250)` : ''),
    },
    {
      name: 'un mail par question posée, une invitation par clause d’insertion', ok: opened === tasks && kickoffs === expectedKickoffs,
      detail: `${opened} mails de question pour ${tasks} questions ; ${kickoffs} invitations au partenaire, ${expectedKickoffs} attendues`,
    },
  ];
}

async function checkIndicators(db: Db, contracts: FaultContract[], policies: Record<string, Policy>): Promise<Check> {
  const rows = await db.indicatorEvent.findMany({ where: { contractId: { in: contracts.map((c) => c.facts.id) } }, select: { contractId: true, indicator: true, year: true, value: true } });
  const key = (contractId: string, e: { indicator: string; year: number; value: unknown }) => `${contractId}|${e.indicator}|${e.year}|${Number(e.value)}`;
  const found = rows.map((r) => key(r.contractId, r)).sort();
  const expected = contracts.flatMap((c) => expectedIndicators(c, policies[c.facts.collectivityId]!).map((e) => key(c.facts.id, e))).sort();
  const missing = diff(expected, found);
  const extra = diff(found, expected);
  return {
    name: 'chaque indicateur exactement une fois', ok: !missing.length && !extra.length,
    detail: `${found.length} événements d’indicateur, ${expected.length} attendus` + (missing.length ? ` ; manquants : ${missing.slice(0, 3).join(', ')}` : '') + (extra.length ? ` ; en trop : ${extra.slice(0, 3).join(', ')}` : ''),
  };
}

/** Multiset difference a − b of two sorted lists. */
function diff(a: string[], b: string[]): string[] {
  const left = new Map<string, number>();
  for (const x of b) left.set(x, (left.get(x) ?? 0) + 1);
  return a.filter((x) => {
    const n = left.get(x) ?? 0;
    if (n) left.set(x, n - 1);
    return n === 0;
  });
}

async function checkOutbox(db: Db): Promise<Check> {
  const pending = (await eventually(async () => {
    const n = await db.outboxMessage.count({ where: { publishedAt: null } });
    return n === 0 ? 0 : undefined;
  }, 60_000)) ?? (await db.outboxMessage.count({ where: { publishedAt: null } }));
  const total = await db.outboxMessage.count();
  return { name: 'chaque événement sortant publié sur Kafka', ok: pending === 0, detail: `${total - pending} publiés sur ${total}` };
}

async function checkDeadLetters(kafka: Kafka, topic: string, poison: KafkaMessage[]): Promise<Check> {
  const letters = await readAll(kafka, topic, poison.length);
  const expected = new Set(poison.map((p) => p.value));
  const copies = new Map<string, number>();
  for (const l of letters) copies.set(l.value, (copies.get(l.value) ?? 0) + 1);
  const strangers = letters.filter((l) => !expected.has(l.value));
  const missing = poison.filter((p) => !copies.has(p.value));
  const doubled = [...copies.values()].filter((n) => n > 1).length;
  const unexplained = letters.filter((l) => !l.reason).length;
  return {
    name: 'la file des rejets contient exactement les messages empoisonnés',
    ok: !strangers.length && !missing.length && !doubled && !unexplained && letters.length === poison.length,
    detail: `${letters.length} rejets pour ${poison.length} messages empoisonnés` + (missing.length ? ` ; ${missing.length} manquants` : '') +
      (strangers.length ? ` ; ${strangers.length} inattendus (${strangers.slice(0, 2).map((s) => s.reason).join(' | ')})` : '') + (doubled ? ` ; ${doubled} en double` : '') + (unexplained ? ` ; ${unexplained} sans raison` : ''),
  };
}

/** Every message of a topic: reads until `expected` have come and then 5 s without a new one (or 60 s in all). */
async function readAll(kafka: Kafka, topic: string, expected: number): Promise<{ value: string; reason: string }[]> {
  const consumer = kafka.consumer({ groupId: `faults-reader-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const out: { value: string; reason: string }[] = [];
  let last = Date.now();
  await consumer.run({
    eachMessage: async ({ message }) => {
      out.push({ value: message.value?.toString() ?? '', reason: message.headers?.['x-dlq-reason']?.toString() ?? '' });
      last = Date.now();
    },
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && (out.length < expected || Date.now() - last < 5000)) await delay(500);
  await consumer.disconnect();
  return out;
}
