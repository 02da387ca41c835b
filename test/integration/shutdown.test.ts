/**
 * A stop works at any moment (issue 19): `npm start`'s process, run as in production against the stack
 * (SPASER_STACK=external), gets SIGTERM at each point of its start-up and once serving, and must exit, having
 * stopped what it had started. Each point is a state the process shows (a log line, an HTTP answer), never a delay.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { beforeAll, expect, inject, it } from 'vitest';
import { freshDatabase } from '../../prisma/fresh-database';
import { testConfig, uniqueId } from '../support/env';
import { freePort } from '../support/web-env';

const MAIN = fileURLToPath(new URL('../../workers/main.ts', import.meta.url));
const databaseUrl = (() => {
  const url = new URL(testConfig().databaseUrl);
  url.pathname = `${url.pathname}_shutdown`;
  return url.toString();
})();

beforeAll(() => freshDatabase(databaseUrl), 60_000);

interface Run {
  lines: { msg?: string; reason?: string; [key: string]: unknown }[];
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Starts the product, sends SIGTERM when `when` says so, and resolves once the process has exited. */
async function stopAt(when: (line: { msg?: string } | undefined, port: number) => Promise<boolean>): Promise<Run> {
  const port = await freePort();
  const id = uniqueId('shutdown');
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      ...process.env, SPASER_STACK: 'external', LOG_FORMAT: 'json', LOG_LEVEL: 'info', DATABASE_URL: databaseUrl, WEB_PORT: String(port),
      TEMPORAL_NAMESPACE: testConfig().temporal.namespace, TEMPORAL_TASK_QUEUE: id, KAFKA_TOPIC_PREFIX: `test.${id}.`, KAFKA_CLIENT_ID: id,
      WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<Pick<Run, 'code' | 'signal'>>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const lines: Run['lines'] = [];
  let sent = false;
  const send = () => {
    if (!sent) child.kill('SIGTERM');
    sent = true;
  };
  if (await when(undefined, port)) send();
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: Run['lines'][number];
    try {
      line = JSON.parse(text) as Run['lines'][number];
    } catch {
      return; // not ours (a warning printed by a library)
    }
    lines.push(line);
    if (!sent) void when(line, port).then((now) => now && send());
  });
  return { lines, ...(await exited) };
}

const logged = (pattern: RegExp) => async (line: { msg?: string } | undefined) => pattern.test(line?.msg ?? '');

/** From the first line of the apps' start, asks `path` until it answers 200; then asks `also` too, if given. */
const serving = (path: string, also?: string) => {
  let probing = false;
  return async (line: { msg?: string } | undefined, port: number) => {
    if (probing || !/^(worker started|consumer started|Application :)/.test(line?.msg ?? '')) return false;
    probing = true;
    const ok = async (p: string) => (await fetch(`http://127.0.0.1:${port}${p}`).catch(() => undefined))?.status === 200;
    while (!(await ok(path))) await delay(50);
    if (also) expect(await ok(also)).toBe(true);
    return true;
  };
};

function expectStoppedCleanly(run: Run) {
  expect(run.signal).toBeNull();
  expect(run.code).toBe(0);
  const asked = run.lines.findIndex((l) => l.msg === 'arrêt en cours' && l.reason === 'SIGTERM');
  expect(asked).toBeGreaterThanOrEqual(0);
  // Everything it had started is stopped (a start-up step abandoned half-way may still log after that).
  expect(run.lines.slice(asked).map((l) => l.msg)).toContain('arrêté');
  expect(run.lines.map((l) => l.msg)).not.toContain('arrêt forcé : des composants ne se sont pas arrêtés à temps');
}

it('exits when stopped before anything is logged', async () => {
  const run = await stopAt(async (line) => line === undefined);
  // Before the entry point runs, Node's own handler ends the process on the signal; after, ours does, cleanly.
  expect(run.signal === 'SIGTERM' || run.code === 0).toBe(true);
}, 60_000);

it.each([
  ['after the migrations', /^(migrations appliquées|base à jour)/],
  ['after the collectivities are loaded', /^collectivités chargées/],
  ['while the worker starts (the consumer still starting)', /^worker started$/],
])('exits cleanly when stopped %s', async (_when, pattern) => {
  expectStoppedCleanly(await stopAt(logged(pattern)));
}, 60_000);

it('exits cleanly when stopped as soon as /api/sante answers', async () => {
  expectStoppedCleanly(await stopAt(serving('/api/sante')));
}, 60_000);

it('exits cleanly when stopped once ready, having logged the requests it served', async () => {
  const run = await stopAt(serving('/api/sante/pret', '/connexion'));
  expectStoppedCleanly(run);
  expect(run.lines).toContainEqual(expect.objectContaining({ component: 'http', method: 'GET', url: '/connexion', status: 200 }));
}, 60_000);
