import { expect, it } from 'vitest';
import { runFaultSuite } from '../../faults/suite';

// The same short suite on the real Temporal server: two nodes on the suite's PostgreSQL, each SIGKILLed in turn mid-run
// (the product's own frontend included), and PostgreSQL restarted under Temporal and the product at once. Its own
// ports, 200 up, so it never meets the dev-server suite or `npm run faults` on theirs.
it('loses nothing and doubles nothing on the Temporal cluster while its nodes are killed and its PostgreSQL restarts', async () => {
  const report = await runFaultSuite({ contracts: 24, poison: 5, faultEveryMs: 10_000, concurrency: 24, digestPeople: 12, temporal: 'cluster', ports: 200, say: (line) => console.log(line) });
  expect(report.faults.temporal).toBeGreaterThanOrEqual(2);
  for (const part of ['kafka', 'postgres', 'mail']) expect(report.faults[part], part).toBeGreaterThanOrEqual(1);
  expect(report.faults.worker).toBeGreaterThanOrEqual(3);
  for (const check of report.checks) expect(check, check.detail).toMatchObject({ ok: true });
}, 20 * 60_000);
