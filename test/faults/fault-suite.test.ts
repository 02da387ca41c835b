import { expect, it } from 'vitest';
import { runFaultSuite } from '../../faults/suite';

// The short version of `npm run faults`: fewer contracts, every kind of fault at least once, and the digest round.
it('loses nothing and doubles nothing while the worker is killed and Kafka, PostgreSQL and SMTP restart, digests included', async () => {
  const report = await runFaultSuite({ contracts: 24, poison: 5, faultEveryMs: 10_000, concurrency: 24, digestPeople: 12, say: (line) => console.log(line) });
  for (const part of ['kafka', 'postgres', 'mail']) expect(report.faults[part], part).toBeGreaterThanOrEqual(1);
  expect(report.faults.worker).toBeGreaterThanOrEqual(3);
  for (const check of report.checks) expect(check, check.detail).toMatchObject({ ok: true });
}, 20 * 60_000);
