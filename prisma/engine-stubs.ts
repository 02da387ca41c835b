import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Prisma's CLI checks that its Rust engines exist before running, and would download them from a host our
 * machines cannot reach. We query through the JS engine and @prisma/adapter-pg and apply migrations ourselves
 * (prisma/migrate.ts), so empty placeholder files satisfy the check. Set real paths to use real engines.
 */
export function prismaEngineStubs(): void {
  const dir = join(tmpdir(), 'spaser-prisma-engine-stubs');
  mkdirSync(dir, { recursive: true });
  for (const [variable, file] of [
    ['PRISMA_QUERY_ENGINE_LIBRARY', 'libquery_engine.so.node'],
    ['PRISMA_SCHEMA_ENGINE_BINARY', 'schema-engine'],
  ] as const) {
    const path = join(dir, file);
    if (!existsSync(path)) writeFileSync(path, '', { mode: 0o755 });
    process.env[variable] ??= path;
  }
}
