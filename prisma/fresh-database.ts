/** A throwaway database (tests, benchmarks): dropped if it exists, created empty, then migrated. */
import pg from 'pg';
import { applyMigrations } from './migrate';

export async function freshDatabase(databaseUrl: string): Promise<void> {
  await emptyDatabase(databaseUrl);
  await applyMigrations(databaseUrl);
}

/** A database dropped if it exists and created empty. */
export async function emptyDatabase(databaseUrl: string): Promise<void> {
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
}
