/**
 * A development SMTP receiver that keeps every message for inspection.
 * It accepts any mail on SMTP and serves the subset of Mailpit's HTTP API (v1) that the
 * tests and the README use, so the same code works against Mailpit under docker compose.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { createLogger } from '../lib/logger';
import { STORE_HEADER } from './mailbox';

interface StoredMessage {
  ID: string;
  Created: string;
  raw: string;
}

interface Address {
  Name: string;
  Address: string;
}

/** Messages as .eml files named by arrival, so a restart keeps them and keeps their order. */
class MailStore {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  private last = 0;

  add(raw: string): StoredMessage {
    // Strictly increasing arrival times: two messages in one millisecond keep their order.
    this.last = Math.max(Date.now(), this.last + 1);
    const message = { ID: randomUUID(), Created: new Date(this.last).toISOString(), raw };
    const name = `${message.Created.replace(/[:.]/g, '-')}_${message.ID}.eml`;
    writeFileSync(join(this.dir, name), raw);
    return message;
  }

  /** File names, newest first like Mailpit (names start with the arrival time). */
  names(): string[] {
    return readdirSync(this.dir).filter((f) => f.endsWith('.eml')).sort().reverse();
  }

  get(id: string): StoredMessage | undefined {
    const file = readdirSync(this.dir).find((f) => f.endsWith(`_${id}.eml`));
    return file ? this.read(file) : undefined;
  }

  clear(): void {
    for (const f of readdirSync(this.dir)) rmSync(join(this.dir, f), { force: true });
  }

  read(file: string): StoredMessage {
    const [stamp, rest] = file.split('_');
    const created = (stamp ?? '').replace(/^(\d{4}-\d{2}-\d{2}T\d{2})-(\d{2})-(\d{2})-(\d{3})Z$/, '$1:$2:$3.$4Z');
    return { ID: (rest ?? '').replace(/\.eml$/, ''), Created: created, raw: readFileSync(join(this.dir, file), 'utf8') };
  }
}

function addresses(field: AddressObject | AddressObject[] | undefined): Address[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list.flatMap((a) => a.value).map((v) => ({ Name: v.name ?? '', Address: v.address ?? '' }));
}

type MessageSummary = ReturnType<typeof summary>;

function summary(message: StoredMessage, parsed: ParsedMail) {
  return {
    ID: message.ID,
    MessageID: (parsed.messageId ?? '').replace(/^<|>$/g, ''),
    From: addresses(parsed.from)[0] ?? { Name: '', Address: '' },
    To: addresses(parsed.to),
    Cc: addresses(parsed.cc),
    Subject: parsed.subject ?? '',
    Created: message.Created,
    Size: Buffer.byteLength(message.raw),
  };
}

/** Fault injection for the delivery tests: a slow server, mid-transaction or after it stored the message. */
export interface ReceiverFaults {
  /** Delay before answering RCPT TO: a client killed meanwhile has delivered nothing. */
  rcptDelayMs?: number;
  /** Delay between storing the message and answering 250: the client may time out although the mail arrived. */
  ackDelayMs?: number;
  /** Called when a client reaches RCPT TO, e.g. to kill it mid-transaction. */
  onRcptTo?: () => void;
}

export interface MailReceiverOptions {
  smtpPort: number;
  httpPort: number;
  host: string;
  dir: string;
  faults?: ReceiverFaults;
}

export async function startMailReceiver(opts: MailReceiverOptions) {
  const log = createLogger('mail-receiver');
  const store = new MailStore(opts.dir);
  const faults = opts.faults ?? {};

  // A stored message never changes: parsed once, its summary is kept (the store is cleared only as a whole).
  const summaries = new Map<string, Promise<MessageSummary>>();
  const summaryOf = (name: string) => {
    let found = summaries.get(name);
    if (!found) {
      const message = store.read(name);
      summaries.set(name, (found = simpleParser(message.raw).then((parsed) => summary(message, parsed))));
    }
    return found;
  };

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      faults.onRcptTo?.();
      setTimeout(() => callback(), faults.rcptDelayMs ?? 0);
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const stored = store.add(Buffer.concat(chunks).toString('utf8'));
        log.info({ id: stored.ID }, 'message received');
        setTimeout(() => callback(), faults.ackDelayMs ?? 0);
      });
    },
  });

  // A client that resets its connection (a worker killed mid-transaction) is its own loss, not the receiver's: without
  // this handler smtp-server's 'error' event is unhandled and takes every later delivery down with the process.
  smtp.on('error', (err) => log.warn({ err: err.message }, 'SMTP client connection lost'));

  const http = Fastify({ logger: false });
  // Names the store it writes to, so a stack can tell its own receiver from another one holding the port.
  http.get('/livez', async (_req, reply) => reply.header(STORE_HEADER, opts.dir).send('ok'));
  // Newest first, one page (Mailpit's `start` and `limit`, 50 by default): a store that grew over many test runs is
  // not parsed whole on every call.
  http.get<{ Querystring: { start?: string; limit?: string } }>('/api/v1/messages', async (req) => {
    const start = Math.max(0, Number(req.query.start) || 0);
    const limit = Math.max(1, Number(req.query.limit) || 50);
    const names = store.names();
    const messages = await Promise.all(names.slice(start, start + limit).map(summaryOf));
    return { total: names.length, start, count: messages.length, messages };
  });
  http.get<{ Params: { id: string } }>('/api/v1/message/:id', async (req, reply) => {
    const message = store.get(req.params.id);
    if (!message) return reply.code(404).send('message not found');
    const parsed = await simpleParser(message.raw);
    return { ...summary(message, parsed), Text: parsed.text ?? '', HTML: parsed.html || '' };
  });
  http.get<{ Params: { id: string } }>('/api/v1/message/:id/headers', async (req, reply) => {
    const message = store.get(req.params.id);
    if (!message) return reply.code(404).send('message not found');
    const parsed = await simpleParser(message.raw);
    const headers: Record<string, string[]> = {};
    for (const line of parsed.headerLines) {
      const value = line.line.slice(line.line.indexOf(':') + 1).trim();
      const name = line.line.slice(0, line.line.indexOf(':'));
      (headers[name] ??= []).push(value);
    }
    return headers;
  });
  http.get<{ Params: { id: string } }>('/api/v1/message/:id/raw', async (req, reply) => {
    const message = store.get(req.params.id);
    if (!message) return reply.code(404).send('message not found');
    return reply.type('message/rfc822').send(message.raw);
  });
  http.delete('/api/v1/messages', async () => {
    store.clear();
    summaries.clear();
    return 'ok';
  });

  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(opts.smtpPort, opts.host, () => resolve());
  });
  await http.listen({ port: opts.httpPort, host: opts.host });
  log.info({ smtp: opts.smtpPort, http: opts.httpPort, dir: opts.dir }, 'mail receiver ready');

  return {
    async stop() {
      await http.close();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    },
  };
}

// Run as a process: `tsx stack/mail-receiver.ts <smtpPort> <httpPort> <dir>`.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const [smtpPort, httpPort, dir] = process.argv.slice(2);
  const receiver = await startMailReceiver({ smtpPort: Number(smtpPort), httpPort: Number(httpPort), host: '127.0.0.1', dir: dir ?? '.stack/data/mail' });
  const shutdown = async () => {
    await receiver.stop();
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
