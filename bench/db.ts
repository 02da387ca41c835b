/** The benchmarks' own database (`<db>_bench`), recreated and migrated at each run. */
import pg from 'pg';
import { loadConfig } from '../lib/config';
import { applyMigrations } from '../prisma/migrate';

export function benchDatabaseUrl(): string {
  const url = new URL(loadConfig().databaseUrl);
  url.pathname = `/${url.pathname.slice(1)}_bench`;
  return url.toString();
}

export async function freshBenchDatabase(): Promise<string> {
  const databaseUrl = benchDatabaseUrl();
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  await applyMigrations(databaseUrl);
  return databaseUrl;
}
