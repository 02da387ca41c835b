import { spawn, execFile } from 'node:child_process';
import { openSync, readFileSync, writeFileSync, rmSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as delay } from 'node:timers/promises';

export const run = promisify(execFile);

/** True when a process with this pid exists (and is not a zombie we could reap). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

export function readPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export interface DaemonSpec {
  command: string;
  args: string[];
  logFile: string;
  pidFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Starts a process that outlives this one: own session, output to a log file, pid recorded. */
export function startDaemon(spec: DaemonSpec): number {
  mkdirSync(dirname(spec.logFile), { recursive: true });
  mkdirSync(dirname(spec.pidFile), { recursive: true });
  const out = openSync(spec.logFile, 'a');
  const child = spawn(spec.command, spec.args, {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, ...spec.env },
    cwd: spec.cwd,
  });
  if (!child.pid) throw new Error(`could not start ${spec.command}`);
  child.unref();
  writeFileSync(spec.pidFile, String(child.pid));
  return child.pid;
}

/** SIGTERM the process group, then SIGKILL whatever is left after the grace period. */
export async function stopDaemon(pidFile: string, graceMs = 15_000): Promise<boolean> {
  const pid = readPid(pidFile);
  rmSync(pidFile, { force: true });
  if (!pid || !isAlive(pid)) return false;
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await delay(100);
  if (isAlive(pid)) signalGroup(pid, 'SIGKILL');
  return true;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/** Polls `check` until it resolves true, or fails with `what` after `timeoutMs`. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err;
    }
    await delay(250);
  }
  const why = lastError instanceof Error ? ` (${lastError.message})` : '';
  throw new Error(`${what}: not ready after ${Math.round(timeoutMs / 1000)} s${why}`);
}

/** Resolves true when something accepts TCP connections on host:port. */
export async function tcpOpen(host: string, port: number): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise((resolvePromise) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolvePromise(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Finds an executable on PATH, or undefined. */
export async function which(cmd: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('sh', ['-c', `command -v ${cmd}`]);
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}
