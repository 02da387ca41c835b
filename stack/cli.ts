/** `npm run stack` / `stack:down` / `stack:status`: the native development stack. */
import { Command, Option } from 'commander';
import { loadConfig } from '../lib/config';
import { stackDown, stackStatus, stackUp } from './stack';

const program = new Command('stack').description('Services natifs de développement : PostgreSQL, Temporal, Kafka, SMTP');
program
  .command('up')
  .description('démarre les services (idempotent)')
  .addOption(
    new Option('--temporal <moteur>', 'dev : serveur de développement (SQLite) ; cluster : deux nœuds du serveur Temporal sur PostgreSQL')
      .choices(['dev', 'cluster']),
  )
  .action(async (o: { temporal?: string }) => {
    if (o.temporal) process.env.TEMPORAL_ENGINE = o.temporal;
    await stackUp(loadConfig());
  });
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
