/** `npm run cli -- <commande>`: the product's command line, in French. */
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { ingestEvent } from '../events/ingest';
import { loadConfig } from '../lib/config';
import { createKafka, producerOptions, topics } from '../lib/kafka';
import { createLogger } from '../lib/logger';

const program = new Command('spaser').description('SPASER en actes : ligne de commande');

program
  .command('envoyer-evenement')
  .description('valide un événement de contrat (fichier JSON) et le publie sur Kafka')
  .argument('<fichier>', 'enveloppe JSON, voir schemas/examples/')
  .action(async (file: string) => {
    const config = loadConfig();
    const raw = await readFile(file, 'utf8').catch(() => {
      throw new Error(`fichier illisible : ${file}`);
    });
    const producer = createKafka(config.kafka, createLogger('cli', 'error')).producer(producerOptions);
    await producer.connect();
    try {
      const result = await ingestEvent(producer, topics(config.kafka.topicPrefix).contractEvents, raw);
      if (!result.ok) throw new Error(`événement refusé : ${result.reason}`);
      console.log(`✓ événement ${result.eventId} publié pour le contrat ${result.contractId}`);
    } finally {
      await producer.disconnect();
    }
  });

program.parseAsync().catch((err: unknown) => {
  console.error(`✗ ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
