/**
 * Pages at scale (issue 20): with 10,000 contracts and 100,000 tasks written through the record activity
 * (bench/pages-data.ts), 20 signed-in people at once (20 autocannon connections, each with its own session cookie,
 * got through a one-time sign-in link as the product gives them) on the inbox, the contract list, a contract page and
 * the indicators page; beside each, its floor: a bare Fastify route returning the same rows from one plain SQL query
 * (bench/pages-server.ts). Then the audit trail of a four-year contract driven to closure by the product worker (its
 * decisions in the database, what the engine did in its Temporal histories), page and API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Client } from '@temporalio/client';
import autocannon from 'autocannon';
import type { Config } from '../lib/config';
import { createDb, type Db } from '../lib/db';
import { chainHistories } from '../load/histories';
import type { Role } from '../prisma/generated/client';
import { signInLink } from '../web/auth/sign-in-links';
import { driveWithProductWorker, fourYearContract } from './history';
import { buyerEmail, COLLECTIVITY, writePagesPortfolio, type PagesPortfolio } from './pages-data';
import { BENCH_NAMESPACE } from './temporal';

const SERVER = new URL('./pages-server.ts', import.meta.url).pathname;

export interface Latency {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  requests: number;
  perS: number;
}

export interface PageRun {
  page: string;
  path: string;
  who: Role;
  product: Latency;
  floor: Latency;
  /** Product p95 over floor p95. */
  ratio: number;
}

export interface PagesBench {
  portfolio: PagesPortfolio;
  /** Open tasks in the inboxes of the signed-in buyers. */
  inbox: { min: number; max: number };
  fourYear: { contractId: string; auditEntries: number; runs: number; historyEvents: number; drivenInS: number };
  connections: number;
  seconds: number;
  pages: PageRun[];
}

interface Options {
  contracts: number;
  tasks: number;
  connections?: number;
  seconds?: number;
  warmupSeconds?: number;
}

/** `connections` connections for `seconds`, each with its own headers; p95 from every response's time (autocannon's histogram has none). */
async function load(url: string, headers: Record<string, string>[], seconds: number): Promise<Latency> {
  const times: number[] = [];
  const failures = new Map<number, number>();
  let next = 0;
  const result = await new Promise<autocannon.Result>((done, fail) => {
    const run = autocannon({
      url, connections: headers.length, duration: seconds,
      setupClient: (client) => client.setHeaders(headers[next++ % headers.length]),
    }, (err: unknown, r: autocannon.Result) => (err ? fail(err) : done(r)));
    run.on('response', (_client, status: number, _bytes: number, ms: number) => {
      if (status === 200) times.push(ms);
      else failures.set(status, (failures.get(status) ?? 0) + 1);
    });
  });
  if (failures.size || result.errors || result.timeouts) {
    throw new Error(`${url} : réponses en erreur ${JSON.stringify(Object.fromEntries(failures))}, ${result.errors} erreurs, ${result.timeouts} délais dépassés`);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))]! * 10) / 10;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1), requests: times.length, perS: Math.round(times.length / seconds) };
}

/** The servers' child process, once both listen. */
async function startServers(databaseUrl: string, cpuProfileDir?: string): Promise<{ child: ChildProcess; product: string; floor: string }> {
  const profile = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', SERVER, databaseUrl, BENCH_NAMESPACE], {
    env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await Promise.race([once(createInterface({ input: child.stdout! }), 'line'), once(child, 'exit').then(() => [undefined])])) as [string | undefined];
  if (!line) throw new Error('serveurs de la mesure des pages : arrêtés avant d’écouter');
  const ports = JSON.parse(line) as { product: number; floor: number };
  return { child, product: `http://127.0.0.1:${ports.product}`, floor: `http://127.0.0.1:${ports.floor}` };
}

/** People of the collectivity, each signed in through a one-time link: their session cookies. */
async function signIn(db: Db, base: string, people: { email: string; role: Role }[]): Promise<Record<string, string>[]> {
  return Promise.all(people.map(async ({ email, role }) => {
    const user = await db.user.create({ data: { id: randomUUID(), email, name: email.split('@')[0]!, role, collectivityId: COLLECTIVITY } });
    const res = await fetch(await signInLink(db, user.id, base), { redirect: 'manual' });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('spaser_session='))?.split(';')[0];
    if (res.status !== 303 || !cookie) throw new Error(`connexion de ${email} : ${res.status}`);
    return { cookie, 'x-bench-email': email };
  }));
}

/** A four-year contract driven to closure by the product worker, as bench/history.ts drives it. */
async function fourYearTrail(temporal: Client, config: Config, databaseUrl: string, db: Db) {
  const scripted = fourYearContract(`PQ-${Date.now().toString(36)}`);
  const contract = { ...scripted, facts: { ...scripted.facts, collectivityId: COLLECTIVITY, buyer: { name: 'Acheteur 0', email: buyerEmail(0) } } };
  const t0 = Date.now();
  const driven = await driveWithProductWorker({ temporal, config, databaseUrl }, contract);
  let runs = 0;
  let historyEvents = 0;
  for await (const h of chainHistories(temporal, driven.workflowId, driven.firstRunId)) {
    runs++;
    historyEvents += h.events?.length ?? 0;
  }
  const auditEntries = await db.auditEntry.count({ where: { contractId: contract.facts.id } });
  return { contractId: contract.facts.id, auditEntries, runs, historyEvents, drivenInS: Math.round((Date.now() - t0) / 1000) };
}

export async function benchPages(
  { temporal, config, databaseUrl, say, cpuProfileDir }: { temporal: Client; config: Config; databaseUrl: string; say: (line: string) => void; cpuProfileDir?: string },
  { contracts, tasks, connections = 20, seconds = 10, warmupSeconds = 2 }: Options,
): Promise<PagesBench> {
  const db = createDb(databaseUrl);
  let servers: Awaited<ReturnType<typeof startServers>> | undefined;
  try {
    say(`  ${contracts.toLocaleString('fr-FR')} contrats et ${tasks.toLocaleString('fr-FR')} tâches par l’activité d’enregistrement…`);
    const portfolio = await writePagesPortfolio(db, { contracts, tasks, say });
    say(`  écrits en ${portfolio.seconds.toFixed(0)} s (${portfolio.transitionsPerS.toFixed(0)} transitions/s, ${portfolio.openTasks.toLocaleString('fr-FR')} tâches ouvertes)`);
    say('  contrat de quatre ans mené à sa clôture par le worker…');
    const fourYear = await fourYearTrail(temporal, config, databaseUrl, db);
    say(`  mené en ${fourYear.drivenInS} s : ${fourYear.auditEntries} entrées d’audit, ${fourYear.runs} exécutions, ${fourYear.historyEvents} événements Temporal`);

    servers = await startServers(databaseUrl, cpuProfileDir);
    const buyers = await signIn(db, servers.product, Array.from({ length: connections }, (_, n) => ({ email: buyerEmail(n), role: 'buyer' as const })));
    const managers = await signIn(db, servers.product, Array.from({ length: connections }, (_, n) => ({ email: `responsable${n}@clermont.test`, role: 'manager' as const })));
    const inboxSizes = await Promise.all(buyers.map(async (h) => ((await (await fetch(`${servers!.floor}/taches`, { headers: h })).json()) as unknown[]).length));

    const pages: { page: string; path: string; who: Role }[] = [
      { page: 'boîte de tâches', path: '/taches', who: 'buyer' },
      { page: 'liste des contrats (page 1)', path: '/contrats', who: 'manager' },
      { page: 'page d’un contrat', path: `/contrats/${portfolio.sampleContractId}`, who: 'manager' },
      { page: 'indicateurs', path: '/indicateurs', who: 'manager' },
      { page: 'page du contrat de quatre ans', path: `/contrats/${fourYear.contractId}`, who: 'manager' },
      { page: 'historique du contrat de quatre ans (API)', path: `/api/contrats/${fourYear.contractId}/historique`, who: 'manager' },
    ];
    const runs: PageRun[] = [];
    for (const p of pages) {
      const headers = p.who === 'buyer' ? buyers : managers;
      // Each page once first: signed in, found, and the floor's route there too.
      for (const base of [servers.product, servers.floor]) {
        const res = await fetch(`${base}${p.path}`, { headers: headers[0], redirect: 'manual' });
        if (res.status !== 200) throw new Error(`${base}${p.path} : ${res.status}`);
      }
      say(`  ${p.page} (${p.path})…`);
      const measure = async (base: string) => {
        await load(`${base}${p.path}`, headers, warmupSeconds);
        return load(`${base}${p.path}`, headers, seconds);
      };
      const product = await measure(servers.product);
      const floor = await measure(servers.floor);
      runs.push({ ...p, product, floor, ratio: product.p95 / floor.p95 });
    }
    return { portfolio, inbox: { min: Math.min(...inboxSizes), max: Math.max(...inboxSizes) }, fourYear, connections, seconds, pages: runs };
  } finally {
    if (servers) {
      servers.child.kill('SIGTERM');
      await once(servers.child, 'exit');
    }
    await db.$disconnect();
  }
}
