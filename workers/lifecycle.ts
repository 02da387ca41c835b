/**
 * How a process of the product starts and stops. SIGTERM and SIGINT are heard from the first line of the entry point,
 * so an orchestrator's stop works at any moment, start-up included: the step under way is abandoned, the apps
 * already built are stopped (draining their in-flight work), and the process exits within a bound whatever hangs.
 */
import type { Logger } from '../lib/logger';

export interface App {
  start(): Promise<unknown>;
  stop(): Promise<void>;
}

/** A promise for an app's `start()` to return, resolved by its `stop()`. */
export function stopLatch(): { stopped: Promise<void>; release: () => void } {
  let release!: () => void;
  const stopped = new Promise<void>((resolve) => (release = resolve));
  return { stopped, release };
}

/** Thrown by `step` and `add` once a stop was asked: the start-up goes no further. */
export class StopRequested extends Error {
  constructor(readonly reason: string) {
    super(`arrêt demandé (${reason})`);
  }
}

/** How long a stop may take before the process exits anyway (STOP_TIMEOUT_SECONDS, 25 by default). */
export function stopBoundMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.STOP_TIMEOUT_SECONDS ?? 25);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : 25) * 1000;
}

export class ProcessLifecycle {
  private readonly controller = new AbortController();
  private readonly apps: App[] = [];

  constructor(private readonly logger: Logger, private readonly boundMs = stopBoundMs()) {
    const onSignal = (signal: NodeJS.Signals) => {
      // A second signal while stopping: the person (or orchestrator) means it.
      if (this.controller.signal.aborted) {
        this.logger.warn({ signal }, 'second signal : arrêt immédiat');
        process.exit(130);
      }
      this.requestStop(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }

  get stopping(): boolean {
    return this.controller.signal.aborted;
  }

  /** Asks for a stop; from now on the process exits within the bound, whatever hangs. */
  requestStop(reason: string): void {
    if (this.controller.signal.aborted) return;
    this.logger.info({ reason }, 'arrêt en cours');
    this.controller.abort(reason);
    setTimeout(() => {
      this.logger.error({ boundMs: this.boundMs }, 'arrêt forcé : des composants ne se sont pas arrêtés à temps');
      process.exit(1);
    }, this.boundMs).unref();
  }

  /** Runs one start-up step, unless a stop is asked before or during it. */
  async step<T>(run: () => Promise<T>): Promise<T> {
    const signal = this.controller.signal;
    if (signal.aborted) throw new StopRequested(String(signal.reason));
    let onAbort!: () => void;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new StopRequested(String(signal.reason)));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([run(), aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Builds an app as a start-up step; once built it is stopped with the others, even if the stop came meanwhile. */
  async add<T extends App>(create: () => Promise<T>): Promise<T> {
    const built = create();
    // An app whose building outlives a stop is still stopped once built (its connections closed).
    void built.then(async (app) => {
      if (this.stopping && !this.apps.includes(app)) await app.stop().catch(() => undefined);
    }, () => undefined);
    const app = await this.step(() => built);
    this.apps.push(app);
    return app;
  }

  /**
   * Starts the apps and waits until a signal, or until one of them fails or returns; then stops them all, in reverse
   * order of building, and sets the exit code. A start-up interrupted by `StopRequested` lands here too.
   */
  async run(startUp: () => Promise<void> = async () => undefined): Promise<void> {
    let started = false;
    try {
      await startUp();
      started = true;
      if (!this.stopping) {
        const stopped = new Promise<void>((resolve) => this.controller.signal.addEventListener('abort', () => resolve(), { once: true }));
        await Promise.race([...this.apps.map((a) => a.start()), stopped]);
      }
    } catch (err) {
      if (!(err instanceof StopRequested)) {
        this.logger.error({ err }, started ? 'un composant a échoué' : 'démarrage impossible');
        process.exitCode = 1;
      }
    }
    this.requestStop('fin');
    for (const app of [...this.apps].reverse()) await app.stop().catch((err: unknown) => this.logger.error({ err }, 'arrêt en erreur'));
    this.logger.info('arrêté');
    // Everything built is stopped; a start-up step abandoned half-way (a connection still being retried) must not
    // keep the process alive: it gets a moment to let go, then the process exits with its code.
    setTimeout(() => process.exit(), 2000).unref();
  }
}
