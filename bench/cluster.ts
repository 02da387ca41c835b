/**
 * The bench's own Temporal cluster, beside the stack's dev server: two server nodes on a PostgreSQL of their own,
 * started fresh for the measure (as the dev server's SQLite file should be) and stopped after it. The product's
 * database stays the stack's: only Temporal changes between the two rows.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type Config } from '../lib/config';
import { bringUp } from '../stack/stack';
import { postgresService } from '../stack/services/postgres';
import { temporalClusterService } from '../stack/services/temporal-cluster';

export interface BenchCluster {
  /** The stack's configuration with Temporal pointed at the cluster's first node. */
  config: Config;
  down(): Promise<void>;
}

export async function benchCluster(base: Config, say: (line: string) => void): Promise<BenchCluster> {
  const stackDir = join(base.stackDir, 'bench-cluster');
  // Ports of its own, clear of the stack's and of the fault suites' (PostgreSQL 15532 + 0/100/200, Temporal 17233 + 100/200).
  const own = loadConfig({
    ...process.env, STACK_DIR: stackDir, DATABASE_URL: 'postgresql://spaser:spaser@127.0.0.1:15832/spaser_bench_cluster',
    TEMPORAL_ENGINE: 'cluster', TEMPORAL_ADDRESS: '127.0.0.1:17633', TEMPORAL_UI_PORT: '18633',
  });
  const postgres = postgresService(own);
  const cluster = temporalClusterService(own);
  await cluster.stop();
  await postgres.stop();
  rmSync(stackDir, { recursive: true, force: true });
  await bringUp(postgres, say);
  await bringUp(cluster, say);
  return {
    config: { ...base, temporal: { ...base.temporal, address: own.temporal.address } },
    async down() {
      await cluster.stop();
      await postgres.stop();
    },
  };
}
