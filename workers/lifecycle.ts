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

/** Runs the apps until SIGINT/SIGTERM (or one of them fails), then stops them all; sets the exit code. */
export async function runUntilSignal(logger: Logger, apps: App[]): Promise<void> {
  let stopping: Promise<void> | undefined;
  const stopAll = (reason: string) => {
    stopping ??= (async () => {
      logger.info({ reason }, 'arrêt en cours');
      await Promise.allSettled(apps.map((a) => a.stop()));
    })();
    return stopping;
  };
  process.once('SIGINT', () => void stopAll('SIGINT'));
  process.once('SIGTERM', () => void stopAll('SIGTERM'));
  try {
    await Promise.race(apps.map((a) => a.start()));
  } catch (err) {
    logger.error({ err }, 'un composant a échoué');
    process.exitCode = 1;
  }
  await stopAll('fin');
}
