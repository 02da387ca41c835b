/**
 * The Monday digest run, started each week by a Temporal Schedule (workers/digest-schedule.ts): one digest per person
 * who chose it. Each `sendDigest` is sent once per person and week, so a rerun or a retried run doubles nothing.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { DigestActivities } from '../activities/digest';
import { isoDay } from '../domain/dates';

const { digestRecipients, sendDigest } = proxyActivities<DigestActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute' },
});

/** The Monday (UTC date) of the week holding `ms`. */
export function mondayOf(ms: number): string {
  const d = new Date(ms);
  return isoDay(ms - ((d.getUTCDay() + 6) % 7) * 86_400_000);
}

export async function weeklyDigest(input: { week?: string } = {}): Promise<{ week: string; sent: number; recipients: number }> {
  const week = input.week ?? mondayOf(Date.now());
  const people = await digestRecipients();
  let sent = 0;
  // A few at a time: the SMTP server and the database are shared with the contracts' own mails.
  for (let i = 0; i < people.length; i += 10) {
    const results = await Promise.all(people.slice(i, i + 10).map((email) => sendDigest(email, week)));
    sent += results.filter((r) => r.status === 'sent').length;
  }
  return { week, sent, recipients: people.length };
}
