/** `npm run doctor`: runs the systemCheck workflow through the running worker and says what works. */
import { randomUUID } from 'node:crypto';
import { Command } from 'commander';
import { loadConfig } from '../lib/config';
import { connectTemporal } from '../lib/temporal';
import type { systemCheck } from '../workflows/system-check';

const program = new Command('doctor')
  .description("Vérifie l'installation de bout en bout : base de données, Kafka, courriel (le worker doit tourner).")
  .option('--to <adresse>', 'destinataire du courriel de vérification', 'verification@spaser.local')
  .action(async ({ to }: { to: string }) => {
    const config = loadConfig();
    const client = await connectTemporal(config.temporal);
    try {
      const checkId = randomUUID();
      const result = await client.workflow.execute<typeof systemCheck>('systemCheck', {
        taskQueue: config.temporal.taskQueue,
        workflowId: `system-check-${checkId}`,
        args: [{ checkId, recipient: to }],
        workflowExecutionTimeout: '1 minute',
      });
      console.log(`✓ base de données : vérification enregistrée le ${result.recordedAt}`);
      console.log(`✓ Kafka : message publié sur ${result.event.topic} (partition ${result.event.partition}, offset ${result.event.offset})`);
      console.log(`✓ courriel : envoyé à ${to} (${result.messageId})`);
    } finally {
      await client.connection.close();
    }
  });

program.parseAsync().catch((err: unknown) => {
  console.error(`✗ Vérification échouée : ${err instanceof Error ? err.message : String(err)}`);
  console.error('  Le worker tourne-t-il ? (npm start)');
  process.exit(1);
});
