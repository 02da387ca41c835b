import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { Config } from '../../lib/config';
import { appPath } from '../../lib/paths';
import { SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import { isAlive, readPid, run, startDaemon, stopDaemon, waitUntil } from '../process';
import { hostPort, stackPaths, type Service } from '../service';
import { ensureTemporalBinaries, temporalAnswers, temporalBinaries } from './python-tools';
import { ensureTemporalServerBinaries, temporalServerBinaries } from './temporal-server-build';

const CONFIG_TEMPLATE = appPath('stack', 'temporal', 'cluster.yaml');
const DYNAMIC_CONFIG = appPath('stack', 'temporal', 'dynamicconfig.yaml');
const UI_CONFIG_ROOT = appPath('stack', 'temporal');
const DATABASES = { temporal: 'postgresql/v12/temporal', temporal_visibility: 'postgresql/v12/visibility' } as const;
// Four per core is plenty on the stack; production sizes it for its peak (it cannot change once set).
const HISTORY_SHARDS = 16;
// Node n listens on the base ports + n × 50, so a second stack 100 ports up (the fault suite's) never collides.
const NODE_PORT_STEP = 50;
export const CLUSTER_NODES = 2;
export const CLUSTER_PID_FILES = [...Array.from({ length: CLUSTER_NODES }, (_, n) => `temporal-node-${n + 1}.pid`), 'temporal-ui.pid'];

/** The gRPC and membership ports of the node whose frontend listens on `frontend`, named as cluster.yaml reads them. */
export function nodePorts(frontend: number): Record<string, number> {
  // Every port of a node within [frontend, frontend + 30): stacks 100 ports apart never meet.
  return {
    FRONTEND_PORT: frontend, HISTORY_PORT: frontend + 1, MATCHING_PORT: frontend + 2, WORKER_PORT: frontend + 6, FRONTEND_HTTP_PORT: frontend + 10,
    FRONTEND_MEMBERSHIP_PORT: frontend + 20, HISTORY_MEMBERSHIP_PORT: frontend + 21, MATCHING_MEMBERSHIP_PORT: frontend + 22, WORKER_MEMBERSHIP_PORT: frontend + 26,
  };
}

/** Node n's frontend port, the first node's being `base`. */
export const nodeFrontendPort = (base: number, n: number) => base + n * NODE_PORT_STEP;

export interface TemporalCluster extends Service {
  /** The frontend address of each node; the product talks to the first. */
  frontends(): string[];
  /** SIGKILL one node, as a crashed machine would go: no graceful hand-over of its shards. */
  killNode(node: number): Promise<void>;
  /** Starts one node and waits until its frontend answers. */
  startNode(node: number): Promise<void>;
}

/**
 * The real Temporal server, two nodes with every service each, on the stack's PostgreSQL: its own role and
 * databases, the schema set up and upgraded by the server's SQL tool, SQL visibility holding the product's search
 * attributes. The nodes discover each other through the database and share the history shards between them.
 */
export function temporalClusterService(config: Config): TemporalCluster {
  const paths = stackPaths(config);
  const cli = temporalBinaries(paths.cache).cli;
  const bins = temporalServerBinaries(paths.cache);
  const { host, port } = hostPort(config.temporal.address, 7233);
  const db = new URL(config.databaseUrl);
  const dbHost = db.hostname;
  const dbPort = Number(db.port || 5432);
  const role = 'temporal';
  const namespaces = [...new Set([config.temporal.namespace, 'default', 'spaser-test', 'spaser-bench'])];
  const nodes = Array.from({ length: CLUSTER_NODES }, (_, n) => ({
    frontend: `${host}:${nodeFrontendPort(port, n)}`,
    pidFile: join(paths.run, CLUSTER_PID_FILES[n]!),
    logFile: join(paths.logs, `temporal-node-${n + 1}.log`),
    env: nodeEnv(nodeFrontendPort(port, n)),
  }));

  function nodeEnv(frontend: number): NodeJS.ProcessEnv {
    return {
      ...Object.fromEntries(Object.entries(nodePorts(frontend)).map(([k, v]) => [k, String(v)])),
      NODE_HOST: host, CLUSTER_FRONTEND: `${host}:${port}`, NUM_HISTORY_SHARDS: String(HISTORY_SHARDS),
      DB_HOST: dbHost, DB_PORT: String(dbPort), DB_USER: role, DB_PASSWORD: config.temporal.dbPassword,
      DYNAMIC_CONFIG_FILE: DYNAMIC_CONFIG, LOG_LEVEL: 'warn',
    };
  }

  const nodeUp = async (n: number) => isAlive(readPid(nodes[n]!.pidFile) ?? 0) && (await temporalAnswers(cli, nodes[n]!.frontend));
  const startProcess = (n: number) =>
    void startDaemon({ command: bins.server, args: ['--config-file', CONFIG_TEMPLATE, '--allow-no-auth', 'start'], env: nodes[n]!.env, logFile: nodes[n]!.logFile, pidFile: nodes[n]!.pidFile });

  const ui = { url: `http://${host}:${config.temporal.uiPort}`, pidFile: join(paths.run, 'temporal-ui.pid'), logFile: join(paths.logs, 'temporal-ui.log') };
  const uiUp = async () => isAlive(readPid(ui.pidFile) ?? 0) && (await fetch(ui.url, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false));
  const startUi = () =>
    void startDaemon({
      command: bins.ui, args: ['--root', UI_CONFIG_ROOT, '--config', 'ui', '--env', 'stack', 'start'], logFile: ui.logFile, pidFile: ui.pidFile,
      env: { TEMPORAL_ADDRESS: nodes[0]!.frontend, UI_HOST: host, UI_PORT: String(config.temporal.uiPort) },
    });

  /** The role and both databases, then the SQL tool's schema setup (first time) and upgrade (every time: a no-op when current). */
  async function prepareDatabases(): Promise<void> {
    // The stack starts its services together: PostgreSQL may still be on its way.
    let admin = new pg.Client();
    await waitUntil('postgres', async () => {
      admin = new pg.Client({ host: dbHost, port: dbPort, user: 'postgres', database: 'postgres' });
      await admin.connect().catch(async (err: unknown) => {
        await admin.end().catch(() => undefined);
        throw err;
      });
      return true;
    }, 60_000);
    try {
      const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      const password = pg.escapeLiteral(config.temporal.dbPassword);
      await admin.query(exists.rowCount ? `ALTER ROLE ${role} LOGIN PASSWORD ${password}` : `CREATE ROLE ${role} LOGIN PASSWORD ${password}`);
      for (const name of Object.keys(DATABASES)) {
        const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (!found.rowCount) await admin.query(`CREATE DATABASE ${name} OWNER ${role}`);
      }
    } finally {
      await admin.end();
    }
    for (const [name, schema] of Object.entries(DATABASES)) {
      const tool = ['--plugin', 'postgres12', '--ep', dbHost, '--port', String(dbPort), '--user', role, '--password', config.temporal.dbPassword, '--db', name];
      if (!(await hasSchema(name))) await run(bins.sql, [...tool, 'setup-schema', '-v', '0.0']);
      await run(bins.sql, [...tool, 'update-schema', '--schema-name', schema]);
    }
  }

  async function hasSchema(database: string): Promise<boolean> {
    const client = new pg.Client({ host: dbHost, port: dbPort, user: role, password: config.temporal.dbPassword, database });
    await client.connect();
    try {
      return (await client.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'schema_version'")).rowCount === 1;
    } finally {
      await client.end();
    }
  }

  /** Namespaces and search attributes, created when missing (the CLI refuses to create them twice). */
  async function registerNamespaces(): Promise<void> {
    const at = ['--address', nodes[0]!.frontend];
    for (const ns of namespaces) {
      const known = await run(cli, ['operator', 'namespace', 'describe', '--namespace', ns, ...at]).then(() => true, () => false);
      if (!known) await run(cli, ['operator', 'namespace', 'create', '--namespace', ns, '--retention', '72h', ...at]);
      // A new namespace reaches the nodes' caches within system.namespaceCacheRefreshInterval (2 s).
      let stdout = '';
      await waitUntil(`namespace ${ns}`, async () => {
        stdout = (await run(cli, ['operator', 'search-attribute', 'list', '--namespace', ns, '--output', 'json', ...at])).stdout;
        return true;
      }, 30_000);
      const missing = Object.entries(SEARCH_ATTRIBUTES).filter(([name]) => !stdout.includes(`"${name}"`));
      if (!missing.length) continue;
      const args = missing.flatMap(([name, type]) => ['--name', name, '--type', type]);
      await run(cli, ['operator', 'search-attribute', 'create', '--namespace', ns, ...args, ...at]);
    }
  }

  return {
    name: 'temporal',
    startTimeoutSec: 90,
    endpoints: () => [`gRPC ${nodes.map((n) => n.frontend).join(', ')} (grappe de ${CLUSTER_NODES} nœuds sur PostgreSQL)`, `Web UI ${ui.url}`],
    frontends: () => nodes.map((n) => n.frontend),
    async prepare(say) {
      await Promise.all([ensureTemporalBinaries(paths.cache), ensureTemporalServerBinaries(paths.cache, say)]);
    },
    async healthy() {
      for (let n = 0; n < nodes.length; n++) if (!(await nodeUp(n))) return false;
      return uiUp();
    },
    async start() {
      // The dev server holds the same frontend port: one Temporal at a time.
      await stopDaemon(join(paths.run, 'temporal.pid'));
      mkdirSync(paths.logs, { recursive: true });
      await prepareDatabases();
      // Node 1 first, the others once it answers: on a new database the first node writes the cluster's metadata, and
      // two writing it at once make one exit ("failed to initialize current cluster metadata", seen once in CI).
      for (let n = 0; n < nodes.length; n++) {
        if (await nodeUp(n)) continue;
        startProcess(n);
        if (n === 0) await waitUntil('temporal node 1', () => nodeUp(0), 90_000);
      }
      if (!(await uiUp())) startUi();
    },
    afterStart: registerNamespaces,
    async stop() {
      await Promise.all([...nodes.map((n) => n.pidFile), ui.pidFile].map((f) => stopDaemon(f)));
    },
    async killNode(n) {
      const pid = readPid(nodes[n]!.pidFile);
      if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL');
      await waitUntil(`temporal node ${n + 1} killed`, async () => !isAlive(pid ?? 0), 10_000);
    },
    async startNode(n) {
      if (!(await nodeUp(n))) startProcess(n);
      await waitUntil(`temporal node ${n + 1}`, () => nodeUp(n), 90_000);
    },
  };
}
