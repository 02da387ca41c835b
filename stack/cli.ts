/** `npm run stack` / `stack:down` / `stack:status`: the native development stack. */
import { Command } from 'commander';
import { loadConfig } from '../lib/config';
import { stackDown, stackStatus, stackUp } from './stack';

const program = new Command('stack').description('Services natifs de développement : PostgreSQL, Temporal, Kafka, SMTP');
program.command('up').description('démarre les services (idempotent)').action(async () => void (await stackUp(loadConfig())));
program.command('down').description('arrête les services').action(() => stackDown(loadConfig()));
program
  .command('status')
  .description("indique l'état des services")
  .action(async () => {
    process.exitCode = (await stackStatus(loadConfig())) ? 0 : 1;
  });

program.parseAsync().catch((err: unknown) => {
  console.error(`✗ ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
