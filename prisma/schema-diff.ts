import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMigrations } from './migrate';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));
export const SCHEMA = fileURLToPath(new URL('./schema.prisma', import.meta.url));

/** The schema snapshot kept beside the newest migration, or undefined before the first one. */
export function latestSnapshot(): string | undefined {
  const last = readMigrations().at(-1);
  const snapshot = last && join(MIGRATIONS_DIR, last.name, 'schema.prisma');
  return snapshot && existsSync(snapshot) ? snapshot : undefined;
}

/** The SQL from one schema file to another (`from` undefined: from an empty database); '' when equal. */
export function diffSchemas(from: string | undefined, to: string): string {
  const fromArgs = from ? ['--from-schema-datamodel', from] : ['--from-empty'];
  const sql = execFileSync('npx', ['prisma', 'migrate', 'diff', ...fromArgs, '--to-schema-datamodel', to, '--script'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return /\b(CREATE|ALTER|DROP)\b/.test(sql) ? sql : '';
}
