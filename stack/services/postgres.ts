import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
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

  // PostgreSQL refuses to run as root: when we are root, run its tools as the postgres user.
  const asOwner = (cmd: string, args: string[]) =>
    userInfo().uid === 0 ? run('runuser', ['-u', 'postgres', '--', join(binDir, cmd), ...args]) : run(join(binDir, cmd), args);

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
      try {
        await run(join(binDir || findBinDir(), 'pg_isready'), ['-h', host, '-p', String(port), '-t', '2']);
        return true;
      } catch {
        return false;
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

function findBinDir(): string {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'postgres'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new MissingPrerequisite('PostgreSQL introuvable : installez-le (apt-get install postgresql), ou indiquez PG_BIN_DIR.');
  return join(root, newest, 'bin');
}

function postgresIds(): [number, number] {
  try {
    const { uid, gid } = userInfoOf('postgres');
    return [uid, gid];
  } catch {
    throw new MissingPrerequisite("L'utilisateur système « postgres » est absent : installez le paquet postgresql (apt-get install postgresql).");
  }
}

function userInfoOf(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`no user ${name}`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
