/** `npm run stack` / `stack:down` / `stack:status`: the native development stack. */
import { Command } from 'commander';
import { loadConfig } from '../lib/config';
import { MissingPrerequisite, type Service } from './service';
import { waitUntil } from './process';
import { allServices } from './services';

async function up(services: Service[]): Promise<void> {
  const started = Date.now();
  await Promise.all(services.map(bringUp));
  console.log(`\nPile prête en ${((Date.now() - started) / 1000).toFixed(1)} s :`);
  for (const s of services) console.log(`  ${s.name.padEnd(9)} ${s.endpoints().join('  ·  ')}`);
}

async function bringUp(service: Service): Promise<void> {
  const t0 = Date.now();
  await service.prepare();
  if (await service.healthy()) {
    await service.afterStart?.();
    console.log(`✓ ${service.name} déjà en marche`);
    return;
  }
  await service.stop(); // clears a stale pid file or a half-dead process before starting afresh
  await service.start();
  await waitUntil(service.name, () => service.healthy(), service.startTimeoutSec * 1000);
  await service.afterStart?.();
  console.log(`✓ ${service.name} démarré (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

async function down(services: Service[]): Promise<void> {
  await Promise.all([...services].reverse().map((s) => s.stop()));
  console.log('Pile arrêtée.');
}

async function status(services: Service[]): Promise<void> {
  let allUp = true;
  for (const s of services) {
    const ok = await s.healthy().catch(() => false);
    allUp &&= ok;
    console.log(`${ok ? '✓' : '✗'} ${s.name.padEnd(9)} ${s.endpoints().join('  ·  ')}`);
  }
  process.exitCode = allUp ? 0 : 1;
}

const program = new Command('stack').description('Services natifs de développement : PostgreSQL, Temporal, Kafka, SMTP');
const services = () => allServices(loadConfig());
program.command('up').description('démarre les services (idempotent)').action(() => up(services()));
program.command('down').description('arrête les services').action(() => down(services()));
program.command('status').description("indique l'état des services").action(() => status(services()));

program.parseAsync().catch((err: unknown) => {
  if (err instanceof MissingPrerequisite) console.error(`✗ ${err.message}`);
  else console.error(`✗ ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
