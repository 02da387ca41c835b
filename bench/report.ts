/**
 * The yearly report over 1,000,000 indicator events, beside its floor: a plain SQL aggregate over the same rows (the
 * collectivity's live events of the report's three years), grouped by indicator and year.
 * Rows are generated in SQL (40,000 contracts × 25 events, 5 % superseded by a correction).
 */
import { performance } from 'node:perf_hooks';
import { INDICATORS, type Policy } from '../domain/policy';
import { POLICIES_DIR, readPolicy } from '../activities/policy';
import { createDb, type Db } from '../lib/db';
import { yearlyReport } from '../reports/yearly-report';

export interface Timing {
  medianMs: number;
  minMs: number;
  runs: number;
}

async function time(runs: number, fn: () => Promise<unknown>): Promise<Timing> {
  await fn(); // warm the cache and the plan
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { medianMs: ms[Math.floor(runs / 2)]!, minMs: ms[0]!, runs };
}

async function seed(db: Db, contracts: number, perContract: number): Promise<number> {
  await db.$executeRawUnsafe(`INSERT INTO collectivities (id, name, departement, region) VALUES ('bench', 'Banc d''essai', '63', 'ARA')`);
  await db.$executeRawUnsafe(`
    INSERT INTO contracts (id, collectivity_id, cycle, object, nature, cpv, estimated_amount_ht, procedure, duration_months,
                           planned_award_date, recurring, buying_service, buyer_name, buyer_email, phase, status, policy_version, workflow_id, updated_at)
    SELECT 'B-' || i, 'bench', 1, 'Marché ' || i, 'services', '45000000', 100000, 'appel-offres', 24, DATE '2025-01-01', false,
           'Service ' || (i % 6), 'Acheteur', 'acheteur@bench.test', 'execution', 'active', 'bench', 'contract-B-' || i, now()
      FROM generate_series(1, ${contracts}) i`);
  const indicators = `ARRAY[${INDICATORS.map((i) => `'${i}'`).join(',')}]`;
  await db.$executeRawUnsafe(`
    INSERT INTO indicator_events (id, collectivity_id, contract_id, buying_service, indicator, year, value, in_denominator, dimensions, policy_version, occurred_at)
    SELECT 'E-' || c || '-' || k, 'bench', 'B-' || c, 'Service ' || (c % 6), (${indicators})[1 + k % ${INDICATORS.length}], 2022 + (c % 3) + k / ${INDICATORS.length},
           (random() < 0.55)::int, random() < 0.9, CASE WHEN k % ${INDICATORS.length} = 10 THEN '{"level":"departement"}'::jsonb END, 'bench', now()
      FROM generate_series(1, ${contracts}) c, generate_series(0, ${perContract - 1}) k`);
  // 5 % of the events were corrected: the correction supersedes them.
  await db.$executeRawUnsafe(`UPDATE indicator_events SET superseded_by = id || '-fix' WHERE random() < 0.05`);
  await db.$executeRawUnsafe('ANALYZE indicator_events');
  await db.$executeRawUnsafe('ANALYZE contracts');
  const [{ n }] = await db.$queryRawUnsafe<[{ n: bigint }]>(`SELECT count(*) AS n FROM indicator_events`);
  return Number(n);
}

/**
 * `rounds` rounds, each timing the report then its floor (median of `runs`): the ratio is given for each round, so its
 * spread shows whether it is stable.
 */
export async function benchReport(databaseUrl: string, { contracts = 40_000, perContract = 25, runs = 7, rounds = 3 } = {}) {
  const db = createDb(databaseUrl);
  try {
    const events = await seed(db, contracts, perContract);
    const loaded = await readPolicy(POLICIES_DIR, 'clermont');
    const policy: Policy = { ...loaded, collectivity: { ...loaded.collectivity, id: 'bench' }, indicators: [...INDICATORS] };
    const measured: { report: Timing; floor: Timing; ratio: number }[] = [];
    for (let round = 0; round < rounds; round++) {
      const report = await time(runs, () => yearlyReport(db, policy, 2024));
      const floor = await time(runs, () => db.$queryRawUnsafe(`
        SELECT indicator, year, sum(value), count(*) FROM indicator_events
         WHERE collectivity_id = 'bench' AND superseded_by IS NULL AND year BETWEEN 2022 AND 2024 GROUP BY indicator, year`));
      measured.push({ report, floor, ratio: report.medianMs / floor.medianMs });
    }
    const ratios = measured.map((m) => m.ratio);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    return {
      events, rounds: measured, ratios,
      report: { medianMs: median(measured.map((m) => m.report.medianMs)) }, floor: { medianMs: median(measured.map((m) => m.floor.medianMs)) },
      ratio: median(ratios), spread: Math.max(...ratios) - Math.min(...ratios),
    };
  } finally {
    await db.$disconnect();
  }
}
