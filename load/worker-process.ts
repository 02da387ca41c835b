/** A worker as its own OS process: started, watched (CPU, resident memory), stopped or killed like in production. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type { Client } from '@temporalio/client';

const TICKS_PER_S = 100; // USER_HZ on Linux

export class WorkerProcess {
  private peakRss = 0;
  private readonly sampler: NodeJS.Timeout;
  readonly exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    this.sampler = setInterval(() => (this.peakRss = Math.max(this.peakRss, this.rssMiB())), 500);
    void this.exited.then(() => clearInterval(this.sampler));
  }

  /**
   * Runs `script` (a TypeScript entry point) under Node with `env` added to ours; with `cpuProfileDir`, V8 writes a
   * CPU profile of the whole process there when it exits (`--cpu-prof`, summarised by bench/profile.ts).
   */
  static spawn(script: string, env: NodeJS.ProcessEnv, { cpuProfileDir }: { cpuProfileDir?: string } = {}): WorkerProcess {
    const profile = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [];
    const child = spawn(process.execPath, [...profile, '--import', 'tsx', script], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'inherit', 'inherit'], // its warnings and errors (LOG_LEVEL warn) are ours to see
    });
    return new WorkerProcess(child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The identity the Temporal SDK gives this worker by default. */
  identityPrefix(): string {
    return `${this.pid}@`;
  }

  rssMiB(): number {
    try {
      return Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
    } catch {
      return 0; // already gone
    }
  }

  peakRssMiB(): number {
    return Math.max(this.peakRss, this.rssMiB());
  }

  resetPeak(): void {
    this.peakRss = this.rssMiB();
  }

  /** CPU seconds (user + system) the process has used so far. */
  cpuSeconds(): number {
    const fields = readFileSync(`/proc/${this.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
  }

  /** Stops it with `signal`; one that has not exited after `graceMs` is killed. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    const overdue = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(overdue);
  }
}

/** Resolves once `count` workers poll `taskQueue` for workflow tasks (bundling the workflows takes seconds). */
export async function waitForPollers(client: Client, taskQueue: string, count: number, identities: string[] = [], timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { pollers = [] } = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace, taskQueue: { name: taskQueue }, taskQueueType: 1, // WORKFLOW
    });
    const live = pollers.filter((p) => !identities.length || identities.some((id) => p.identity?.startsWith(id)));
    if (live.length >= count) return;
    if (Date.now() > deadline) throw new Error(`${count} worker(s) expected on ${taskQueue}, ${live.length} polling`);
    await delay(500);
  }
}
