/**
 * The development SMTP receiver outlives its clients: a client killed mid-transaction (its socket reset) must not
 * take it down, and a stack only takes as its own the receiver that writes to its own store.
 */
import { mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { createMailer } from '../../lib/mailer';
import { startMailReceiver } from '../../stack/mail-receiver';
import { Mailbox } from '../../stack/mailbox';
import { mailService } from '../../stack/services/mail';
import { freePort } from '../support/web-env';

let receiver: Awaited<ReturnType<typeof startMailReceiver>>;
let smtpPort: number;
let httpPort: number;
let mailbox: Mailbox;
let stackDir: string;

beforeAll(async () => {
  [smtpPort, httpPort] = [await freePort(), await freePort()];
  stackDir = mkdtempSync(join(tmpdir(), 'spaser-receiver-'));
  receiver = await startMailReceiver({ smtpPort, httpPort, host: '127.0.0.1', dir: join(stackDir, 'data', 'mail') });
  mailbox = new Mailbox(`http://127.0.0.1:${httpPort}`);
});

afterAll(async () => {
  await receiver?.stop();
});

/** Reads SMTP replies until one starts with `code`. */
async function reply(socket: Socket, code: string): Promise<void> {
  let seen = '';
  while (!new RegExp(`^${code} `, 'm').test(seen)) seen += String((await once(socket, 'data'))[0]);
}

/** Opens a transaction (MAIL FROM accepted) and resets the connection, as a worker killed mid-transaction does. */
async function resetMidTransaction(): Promise<void> {
  const socket = connect(smtpPort, '127.0.0.1');
  await reply(socket, '220');
  socket.write('EHLO killed-worker\r\n');
  await reply(socket, '250');
  socket.write('MAIL FROM:<spaser@test>\r\n');
  await reply(socket, '250');
  socket.resetAndDestroy();
  await once(socket, 'close');
}

it('keeps receiving after clients reset their connection in the middle of a transaction', async () => {
  // More than once: the listener that catches a failed start used to catch the first reset only.
  for (let i = 0; i < 3; i++) await resetMidTransaction();
  await mailbox.list(); // still answering

  const mailer = createMailer({ ...loadConfig().smtp, host: '127.0.0.1', port: smtpPort });
  await mailer.sendMail({ from: 'spaser@test', to: 'camille@test', subject: 'Après la coupure', text: 'reçu', messageId: '<after-reset@spaser.test>' });
  mailer.close();
  const [after] = await mailbox.waitFor((m) => m.MessageID === 'after-reset@spaser.test');
  expect(after?.Subject).toBe('Après la coupure');
});

it('takes for its own only the receiver that writes to its own store, not another stack’s on its port', async () => {
  const stack = (dir: string) => mailService(loadConfig({ ...process.env, STACK_DIR: dir, SMTP_PORT: String(smtpPort), MAIL_API_URL: `http://127.0.0.1:${httpPort}` }));
  expect(await stack(stackDir).healthy()).toBe(true);
  expect(await stack(mkdtempSync(join(tmpdir(), 'spaser-other-stack-'))).healthy()).toBe(false);
});

it('serves its messages a page at a time, newest first, and the mailbox reads every page', async () => {
  const mailer = createMailer({ ...loadConfig().smtp, host: '127.0.0.1', port: smtpPort });
  for (const n of [1, 2, 3]) await mailer.sendMail({ from: 'spaser@test', to: 'camille@test', subject: `Page ${n}`, text: 'x', messageId: `<page-${n}@spaser.test>` });
  mailer.close();
  const res = await fetch(`http://127.0.0.1:${httpPort}/api/v1/messages?start=0&limit=2`);
  const page = await res.json() as { total: number; count: number; messages: { Subject: string }[] };
  expect(page.messages.map((m) => m.Subject)).toEqual(['Page 3', 'Page 2']);
  expect(page.total).toBe((await mailbox.list()).length);
  expect((await mailbox.list()).filter((m) => m.Subject.startsWith('Page ')).map((m) => m.Subject)).toEqual(['Page 3', 'Page 2', 'Page 1']);
});
