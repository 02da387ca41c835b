/**
 * `npm run demo` (with `npm start` running in another terminal): loads the demo portfolio of both collectivities
 * through the product's doors (load/demo.ts) and prints a one-time sign-in link for a buyer, a manager and a partner
 * of each. Run it again for fresh links: it adds nothing else.
 */
import { POLICIES_DIR } from '../activities/policy';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { createKafka, topics } from '../lib/kafka';
import { createProducer } from '../lib/kafka-producer';
import { createLogger } from '../lib/logger';
import { connectTemporal } from '../lib/temporal';
import { loadDemo } from '../load/demo';
import { waitForPollers } from '../load/worker-process';

const ROLE_NAMES: Record<string, string> = { buyer: 'acheteur', manager: 'responsable et administrateur', partner: 'partenaire' };

const config = loadConfig();
const db = createDb(config.databaseUrl);
const temporal = await connectTemporal(config.temporal, 'demo');
const logger = createLogger('demo', 'warn');
const producer = createProducer(createKafka(config.kafka, logger), logger);
try {
  await waitForPollers(temporal, config.temporal.taskQueue, 1, [], 10_000).catch(() => {
    throw new Error('le produit ne tourne pas : lancez d’abord « npm start » dans un autre terminal, puis relancez « npm run demo »');
  });
  await producer.connect();
  console.log('Chargement de la démonstration (Clermont et Dijon)…');
  const started = Date.now();
  const { links, registered } = await loadDemo({
    db, temporal, producer, contractEventsTopic: topics(config.kafka.topicPrefix).contractEvents, publicUrl: config.web.publicUrl,
    policiesDir: POLICIES_DIR, say: (line) => console.log(line),
  });
  console.log(`${registered ? `${registered} contrat(s) enregistré(s)` : 'Démonstration déjà chargée'} en ${Math.round((Date.now() - started) / 1000)} s.`);
  console.log('\nLiens de connexion (une seule fois chacun, valables 24 heures) :');
  for (const l of links) console.log(`  ${l.collectivity} · ${ROLE_NAMES[l.role] ?? l.role} (${l.name}) :\n    ${l.url}`);
} catch (err) {
  console.error(`✗ ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await producer.disconnect().catch(() => undefined);
  await temporal.connection.close();
  await db.$disconnect();
}
