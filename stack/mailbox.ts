import { setTimeout as delay } from 'node:timers/promises';

/** The header of the dev receiver's `/livez` that names its store directory (the stack checks it is its own). */
export const STORE_HEADER = 'x-mail-store';

/** A message as the SMTP receiver's (Mailpit-compatible) API lists it. */
export interface MailSummary {
  ID: string;
  MessageID: string;
  From: { Name: string; Address: string };
  To: { Name: string; Address: string }[];
  Subject: string;
  Created: string;
}

export interface MailDetail extends MailSummary {
  Text: string;
  HTML: string;
}

/** Reads what the SMTP receiver got: the dev receiver or Mailpit, same API. */
export class Mailbox {
  constructor(private readonly apiUrl: string) {}

  /** Every message, newest first, page by page as Mailpit serves them. */
  async list(): Promise<MailSummary[]> {
    const all: MailSummary[] = [];
    for (;;) {
      const res = await fetch(`${this.apiUrl}/api/v1/messages?start=${all.length}&limit=1000`);
      if (!res.ok) throw new Error(`mail API answered ${res.status}`);
      const page = (await res.json()) as { total: number; messages: MailSummary[] };
      all.push(...page.messages);
      if (!page.messages.length || all.length >= page.total) return all;
    }
  }

  async get(id: string): Promise<MailDetail> {
    const res = await fetch(`${this.apiUrl}/api/v1/message/${id}`);
    if (!res.ok) throw new Error(`mail API answered ${res.status}`);
    return (await res.json()) as MailDetail;
  }

  /** The message as received (RFC 5322): the parts the summary leaves out, such as a text/calendar alternative. */
  async raw(id: string): Promise<string> {
    const res = await fetch(`${this.apiUrl}/api/v1/message/${id}/raw`);
    if (!res.ok) throw new Error(`mail API answered ${res.status}`);
    return res.text();
  }

  /** Every message matching `match`, once at least `count` of them have arrived. */
  async waitFor(match: (m: MailSummary) => boolean, { count = 1, timeoutMs = 15_000 } = {}): Promise<MailSummary[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await this.list()).filter(match);
      if (found.length >= count) return found;
      if (Date.now() > deadline) throw new Error(`expected ${count} mail(s), got ${found.length} after ${timeoutMs} ms`);
      await delay(200);
    }
  }
}
