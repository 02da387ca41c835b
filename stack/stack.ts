import type { Config } from '../lib/config';
import { waitUntil } from './process';
import type { Service } from './service';
import { allServices, everyService, recordTemporalEngine, temporalEngine } from './services';

type Say = (line: string) => void;

/** Starts every service that is not already healthy, in parallel; idempotent. */
export async function stackUp(config: Config, say: Say = console.log): Promise<Service[]> {
  const services = allServices(config);
  const started = Date.now();
  await Promise.all(services.map((s) => bringUp(s, say)));
  recordTemporalEngine(config, temporalEngine(config));
  say(`Pile prête en ${((Date.now() - started) / 1000).toFixed(1)} s :`);
  for (const s of services) say(`  ${s.name.padEnd(9)} ${s.endpoints().join('  ·  ')}`);
  return services;
}

/** Prepares a service and starts it unless it is healthy; waits for health, then its one-time setup. */
export async function bringUp(service: Service, say: Say = () => undefined): Promise<void> {
  const t0 = Date.now();
  await service.prepare(say);
  if (!(await service.healthy())) {
    await service.stop(); // clears a stale pid file or a half-dead process before starting afresh
    await service.start();
    await waitUntil(service.name, () => service.healthy(), service.startTimeoutSec * 1000);
    say(`✓ ${service.name} démarré (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } else {
    say(`✓ ${service.name} déjà en marche`);
  }
  await service.afterStart?.();
}

export async function stackDown(config: Config, say: Say = console.log): Promise<void> {
  await Promise.all(everyService(config).map((s) => s.stop()));
  say('Pile arrêtée.');
}

/** Prints each service's health; resolves true when all are up. */
export async function stackStatus(config: Config, say: Say = console.log): Promise<boolean> {
  let allUp = true;
  for (const s of allServices(config)) {
    const ok = await s.healthy().catch(() => false);
    allUp &&= ok;
    say(`${ok ? '✓' : '✗'} ${s.name.padEnd(9)} ${s.endpoints().join('  ·  ')}`);
  }
  return allUp;
}
