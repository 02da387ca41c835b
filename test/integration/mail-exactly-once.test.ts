/**
 * Each mail is sent once, even when the send activity times out after the SMTP server accepted the mail, or when
 * the worker is killed in the middle of the SMTP transaction. Real Temporal, real PostgreSQL, real SMTP receiver.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMailActivities, mailDeps, messageIdOf } from '../../activities/mail';
import { createDb, type Db } from '../../lib/db';
import { createMailer } from '../../lib/mailer';
import { startMailReceiver, type ReceiverFaults } from '../../stack/mail-receiver';
import { testConfig, uniqueId } from '../support/env';
import { Mailbox } from '../../stack/mailbox';
import { freePort } from '../support/web-env';

const PROBE = fileURLToPath(new URL('../support/workflows/mail-probe.ts', import.meta.url));
const PROBE_WORKER = fileURLToPath(new URL('../support/mail-probe-worker.ts', import.meta.url));

const faults: ReceiverFaults = {};
let receiver: Awaited<ReturnType<typeof startMailReceiver>>;
let mailbox: Mailbox;
let smtpPort: number;
let bundlePath: string;
let db: Db;
let client: Client;
const config = testConfig();

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spaser-mail-'));
  const [smtp, http] = [await freePort(), await freePort()];
  smtpPort = smtp;
  receiver = await startMailReceiver({ smtpPort: smtp, httpPort: http, host: '127.0.0.1', dir: join(dir, 'mail'), faults });
  mailbox = new Mailbox(`http://127.0.0.1:${http}`);
  const { code } = await bundleWorkflowCode({ workflowsPath: PROBE, logger: { trace() {}, debug() {}, info() {}, warn() {}, log() {}, error: console.error } });
  bundlePath = join(dir, 'probe-bundle.js');
  writeFileSync(bundlePath, code);
  db = createDb(config.databaseUrl);
  client = new Client({ connection: await Connection.connect({ address: config.temporal.address }), namespace: config.temporal.namespace });
});

afterAll(async () => {
  await client?.connection.close();
  await db?.$disconnect();
  await receiver?.stop();
});

/** A contract and one partner-update mail to send. */
async function pendingMail(): Promise<string> {
  const contractId = uniqueId('MAIL');
  await db.collectivity.upsert({ where: { id: 'clermont' }, create: { id: 'clermont', name: 'Clermont Auvergne Métropole', departement: '63', region: 'ARA' }, update: {} });
  await db.contract.create({
    data: {
      id: contractId, collectivityId: 'clermont', cycle: 1, object: 'Collecte des déchets', nature: 'services', cpv: '90500000', estimatedAmountHt: 1_000_000,
      procedure: 'appel-offres', durationMonths: 48, plannedAwardDate: new Date('2027-01-01'), recurring: false, buyingService: 'Propreté',
      buyerName: 'Camille', buyerEmail: 'camille@clermont.test', phase: 'execution', status: 'active', policyVersion: 'test', workflowId: `contract-${contractId}`,
    },
  });
  const id = `${contractId}:1:mail:partner-update`;
  await db.notification.create({
    data: { id, contractId, kind: 'partner-update', to: ['plie@clermont.test'], cc: [], partnerId: 'plie', data: { partner: 'PLIE', what: 'Avenant', detail: '+ 10 %' } },
  });
  return id;
}

function inProcessWorker(taskQueue: string, smtp = smtpPort, leaseMs = config.mail.leaseMs) {
  const mailer = createMailer({ ...config.smtp, port: smtp });
  return NativeConnection.connect({ address: config.temporal.address }).then(async (connection) => {
    const worker = await Worker.create({
      connection, namespace: config.temporal.namespace, taskQueue, workflowBundle: { codePath: bundlePath },
      activities: createMailActivities({ ...mailDeps(config, db, mailer), leaseMs }),
    });
    return { worker, mailer, connection };
  });
}

async function copiesOf(notificationId: string): Promise<number> {
  const messageId = messageIdOf(notificationId).slice(1, -1);
  return (await mailbox.list()).filter((m) => m.MessageID === messageId).length;
}

it('sends once when the activity times out after the SMTP server accepted the mail', async () => {
  const id = await pendingMail();
  faults.ackDelayMs = 4_000; // the activity's start-to-close timeout is 2 s
  const taskQueue = uniqueId('mail-timeout');
  const { worker, mailer, connection } = await inProcessWorker(taskQueue);
  try {
    const result = await worker.runUntil(client.workflow.execute('deliverWithShortTimeout', { taskQueue, workflowId: uniqueId('probe'), args: [id] }));
    expect(result).toMatchObject({ status: 'already-sent' });
  } finally {
    faults.ackDelayMs = 0;
    mailer.close();
    await connection.close();
  }
  expect(await copiesOf(id)).toBe(1);
  expect(await db.notification.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'sent', attempts: 1 });
});

it('sends once when the worker is killed in the middle of the SMTP transaction', async () => {
  const id = await pendingMail();
  const taskQueue = uniqueId('mail-kill');
  const killed = new Promise<void>((resolve) => {
    faults.rcptDelayMs = 60_000;
    faults.onRcptTo = resolve;
  });
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', PROBE_WORKER], {
    env: { ...process.env, PROBE_TASK_QUEUE: taskQueue, PROBE_BUNDLE: bundlePath, SMTP_PORT: String(smtpPort), MAIL_LEASE_SECONDS: '2', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`probe worker exited with ${code}`)));
  });
  const run = client.workflow.start('deliverWithHeartbeat', { taskQueue, workflowId: uniqueId('probe'), args: [id] });
  await killed;
  child.kill('SIGKILL');
  faults.rcptDelayMs = 0;
  faults.onRcptTo = undefined;
  expect(await copiesOf(id)).toBe(0);

  const { worker, mailer, connection } = await inProcessWorker(taskQueue, smtpPort, 2_000);
  try {
    const result = await worker.runUntil((await run).result());
    expect(result).toMatchObject({ status: 'sent' });
  } finally {
    mailer.close();
    await connection.close();
  }
  expect(await copiesOf(id)).toBe(1);
  expect(await db.notification.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'sent', attempts: 2 });
});
