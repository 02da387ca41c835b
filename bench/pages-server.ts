/**
 * The servers of the pages measure, in a process of their own (the load generator keeps the bench's): the product's
 * web app as `npm run web` starts it, and its floor, a bare Fastify app whose routes each return the rows of one page
 * from one plain SQL query through node-postgres, as JSON. The floor knows nobody: the person is the `x-bench-email`
 * header. Prints `{"product":port,"floor":port}` once both answer; SIGTERM stops them.
 * `node --import tsx bench/pages-server.ts <databaseUrl> <temporalNamespace>`
 */
import Fastify from 'fastify';
import pg from 'pg';
import { loadConfig } from '../lib/config';
import { freePort } from '../lib/free-port';
import { createLogger } from '../lib/logger';
import { createWebApp } from '../workers/web';
import { COLLECTIVITY } from './pages-data';

const PAGE_SIZE = 50; // as the contract list's
const TREND_YEARS = 3; // as the yearly report's

/** Each page's rows in one query: the inbox, a page of the contract list, a contract, the figures, an audit trail. */
export const FLOOR_SQL = {
  inbox: `
    SELECT t.*, c.object, c.buying_service FROM tasks t JOIN contracts c ON c.id = t.contract_id
     WHERE t.assignee_email = $1 AND t.status = 'open' AND c.collectivity_id = $2 ORDER BY t.due_at`,
  contracts: `
    SELECT c.*, (SELECT count(*) FROM tasks t WHERE t.contract_id = c.id AND t.status = 'open') AS open_tasks,
           (SELECT count(*) FROM tasks t WHERE t.contract_id = c.id AND t.status = 'open' AND t.due_at < now()) AS overdue_tasks
      FROM contracts c WHERE c.collectivity_id = $1 ORDER BY c.planned_award_date, c.id LIMIT ${PAGE_SIZE}`,
  contract: `
    SELECT c.*, (SELECT json_agg(t ORDER BY t.created_at, t.id) FROM tasks t WHERE t.contract_id = c.id) AS tasks,
           (SELECT json_agg(a ORDER BY a.at, a.id) FROM audit_entries a WHERE a.contract_id = c.id) AS audit
      FROM contracts c WHERE c.id = $1 AND c.collectivity_id = $2`,
  indicators: `
    SELECT indicator, year, buying_service, COALESCE(SUM(value) FILTER (WHERE in_denominator), 0)::float8 AS numerator,
           COUNT(*) FILTER (WHERE in_denominator)::int AS denominator, COALESCE(SUM(value), 0)::float8 AS total
      FROM indicator_events WHERE collectivity_id = $1 AND superseded_by IS NULL AND year BETWEEN $2 - ${TREND_YEARS - 1} AND $2
     GROUP BY indicator, year, buying_service`,
  trail: 'SELECT * FROM audit_entries WHERE contract_id = $1 ORDER BY at, id',
};

async function floorApp(databaseUrl: string) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 }); // the product's pool size (lib/db.ts)
  const app = Fastify({ logger: false });
  const rows = async (sql: string, params: unknown[]) => (await pool.query(sql, params)).rows;
  const email = (headers: Record<string, unknown>) => String(headers['x-bench-email'] ?? '');
  app.get('/taches', async (req) => rows(FLOOR_SQL.inbox, [email(req.headers), COLLECTIVITY]));
  app.get('/contrats', async () => rows(FLOOR_SQL.contracts, [COLLECTIVITY]));
  app.get<{ Params: { id: string } }>('/contrats/:id', async (req) => rows(FLOOR_SQL.contract, [req.params.id, COLLECTIVITY]));
  app.get('/indicateurs', async () => rows(FLOOR_SQL.indicators, [COLLECTIVITY, new Date().getUTCFullYear()]));
  app.get<{ Params: { id: string } }>('/api/contrats/:id/historique', async (req) => rows(FLOOR_SQL.trail, [req.params.id]));
  app.addHook('onClose', () => pool.end());
  return app;
}

const [databaseUrl, namespace] = process.argv.slice(2) as [string, string];
const base = loadConfig();
const [productPort, floorPort] = [await freePort(), await freePort()];
const config = {
  ...base, databaseUrl, webPort: productPort, webHost: '127.0.0.1', temporal: { ...base.temporal, namespace },
  web: { ...base.web, publicUrl: `http://127.0.0.1:${productPort}`, auth: { mode: 'local' as const } },
};
const web = await createWebApp(config, createLogger('bench', 'warn'), productPort);
void web.start();
const floor = await floorApp(databaseUrl);
await floor.listen({ port: floorPort, host: '127.0.0.1' });
for (;;) {
  const up = await fetch(`${config.web.publicUrl}/api/sante`).then((r) => r.ok, () => false);
  if (up) break;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
console.log(JSON.stringify({ product: productPort, floor: floorPort }));
process.once('SIGTERM', () => void Promise.all([web.stop(), floor.close()]).then(() => process.exit(0)));
