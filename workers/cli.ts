/**
 * `npm run cli -- <commande>`: the product's command line, in French.
 * People's commands (tâches, répondre, historique) go through the HTTP API with their personal token
 * (SPASER_TOKEN), so they see exactly what the web app shows them; admin commands talk to the database.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { Argument, Command, Option } from 'commander';
import { createPolicyActivities, knownCollectivities, POLICIES_DIR, readPolicy, storeAllPolicies, storePolicy } from '../activities/policy';
import { lineText, summaryText } from '../imports/report';
import { IMPORT_KINDS, importFormat, runImport, type ImportKind } from '../imports/run';
import { firstAdminLink } from '../web/auth/first-admin';
import { ingestEvent } from '../events/ingest';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { createKafka, topics } from '../lib/kafka';
import { createProducer } from '../lib/kafka-producer';
import { createLogger } from '../lib/logger';
import { createSystemToken, revokeSystemToken } from '../web/auth/system-tokens';
import { createToken } from '../web/auth/tokens';
import { ApiClient } from './api-client';

const program = new Command('spaser').description('SPASER en actes : ligne de commande');
const ROLES = { acheteur: 'buyer', partenaire: 'partner', responsable: 'manager' } as const;
/** The CLI's producer: its kafkajs logs only on errors. */
function cliProducer(config: ReturnType<typeof loadConfig>) {
  const logger = createLogger('cli', 'error');
  return createProducer(createKafka(config.kafka, logger), logger);
}
const day = (d: string) => new Date(d).toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' });

async function readJson(file: string): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  return readFile(file, 'utf8').catch(() => {
    throw new Error(`fichier illisible : ${file}`);
  });
}

program
  .command('envoyer-evenement')
  .description('valide un événement de contrat (fichier JSON) et le publie sur Kafka')
  .argument('<fichier>', 'enveloppe JSON, voir schemas/examples/')
  .action(async (file: string) => {
    const config = loadConfig();
    const raw = await readJson(file);
    const producer = cliProducer(config);
    await producer.connect();
    try {
      const result = await ingestEvent(producer, topics(config.kafka.topicPrefix).contractEvents, raw);
      if (!result.ok) throw new Error(`événement refusé : ${result.reason}`);
      console.log(`✓ événement ${result.eventId} publié pour le contrat ${result.contractId}`);
    } finally {
      await producer.disconnect();
    }
  });

program
  .command('taches')
  .description('liste mes tâches ouvertes (jeton dans SPASER_TOKEN)')
  .option('--toutes', 'toutes les tâches ouvertes que je peux voir, pas seulement les miennes')
  .option('--json', 'sortie JSON')
  .action(async (opts: { toutes?: boolean; json?: boolean }) => {
    const { taches } = await ApiClient.fromEnv().get<{ taches: { id: string; title: string; dueAt: string; contract: { object: string } }[] }>(
      `/api/taches${opts.toutes ? '?toutes=1' : ''}`);
    if (opts.json) return console.log(JSON.stringify(taches, null, 2));
    if (!taches.length) return console.log('Aucune tâche ouverte.');
    for (const t of taches) console.log(`${day(t.dueAt)}  ${t.id}\n            ${t.title} · ${t.contract.object}`);
  });

program
  .command('repondre')
  .description('répond à une tâche avec une réponse JSON (fichier, ou - pour l’entrée standard)')
  .argument('<tache>', 'identifiant de la tâche (voir `taches`)')
  .argument('<fichier>', 'réponse JSON')
  .action(async (taskId: string, file: string) => {
    await ApiClient.fromEnv().post(`/api/taches/${encodeURIComponent(taskId)}/reponse`, await readJson(file));
    console.log(`✓ réponse enregistrée pour ${taskId}`);
  });

program
  .command('historique')
  .description('affiche l’historique d’un contrat : décisions et actions du moteur')
  .argument('<contrat>', 'identifiant du contrat')
  .option('--json', 'sortie JSON')
  .action(async (contractId: string, opts: { json?: boolean }) => {
    const { historique } = await ApiClient.fromEnv().get<{ historique: { at: string; source: string; actor: string; summary: string }[] }>(
      `/api/contrats/${encodeURIComponent(contractId)}/historique`);
    if (opts.json) return console.log(JSON.stringify(historique, null, 2));
    for (const e of historique) console.log(`${new Date(e.at).toLocaleString('fr-FR', { timeZone: 'Europe/Paris' })}  ${e.source.padEnd(8)} ${e.actor.padEnd(28)} ${e.summary}`);
  });

const user = program.command('utilisateur').description('comptes (administration, accès direct à la base)');
user
  .command('ajouter')
  .description('crée un compte et affiche son premier jeton d’accès')
  .requiredOption('--email <email>')
  .requiredOption('--nom <nom>')
  .addOption(new Option('--role <role>').choices(Object.keys(ROLES)).makeOptionMandatory())
  .requiredOption('--collectivite <id>', 'identifiant de la collectivité (ex. clermont)')
  .option('--partenaire <id>', 'pour un partenaire : son identifiant dans la politique (ex. plie)')
  .option('--administrateur', 'administre aussi la collectivité (personnes, jetons, politique)')
  .action(async (opts: { email: string; nom: string; role: keyof typeof ROLES; collectivite: string; partenaire?: string; administrateur?: boolean }) => {
    const db = createDb(loadConfig().databaseUrl);
    try {
      if (opts.role === 'partenaire' && !opts.partenaire) throw new Error('--partenaire est requis pour un partenaire');
      const known = await knownCollectivities(POLICIES_DIR);
      if (!known.includes(opts.collectivite)) throw new Error(`collectivité inconnue : ${opts.collectivite} (connues : ${known.join(', ')})`);
      // The collectivity exists once its policy is stored: `npm start` does it, the CLI too if it runs first.
      await storePolicy(db, await readPolicy(POLICIES_DIR, opts.collectivite));
      const created = await db.user.create({
        data: {
          id: randomUUID(), email: opts.email.toLowerCase(), name: opts.nom, role: ROLES[opts.role], collectivityId: opts.collectivite,
          partnerId: opts.partenaire, admin: !!opts.administrateur,
        },
      });
      await db.adminAudit.create({
        data: { id: randomUUID(), collectivityId: opts.collectivite, actor: 'ligne de commande', action: 'person.added', detail: { email: created.email, role: created.role, admin: created.admin } },
      });
      const token = await createToken(db, created.id, 'premier jeton');
      console.log(`✓ compte créé pour ${created.email}${created.admin ? ' (administrateur)' : ''}\n  jeton (affiché une seule fois) : ${token}`);
    } finally {
      await db.$disconnect();
    }
  });

program
  .command('premier-administrateur')
  .description('affiche un lien à usage unique qui crée le premier administrateur (si aucun n’existe)')
  .action(async () => {
    const config = loadConfig();
    const db = createDb(config.databaseUrl);
    try {
      await storeAllPolicies(db, POLICIES_DIR);
      const link = await firstAdminLink(db, config.web.publicUrl);
      if (!link) throw new Error('un administrateur existe déjà : il ajoute les personnes depuis la page Administration');
      console.log(`✓ lien à usage unique, valable 24 heures :\n  ${link}`);
    } finally {
      await db.$disconnect();
    }
  });

program
  .command('jeton')
  .description('crée un nouveau jeton d’accès pour un compte')
  .requiredOption('--email <email>')
  .option('--libelle <libellé>', 'à quoi sert ce jeton', 'ligne de commande')
  .action(async (opts: { email: string; libelle: string }) => {
    const db = createDb(loadConfig().databaseUrl);
    try {
      const found = await db.user.findUnique({ where: { email: opts.email.toLowerCase() } });
      if (!found) throw new Error(`compte inconnu : ${opts.email}`);
      console.log(await createToken(db, found.id, opts.libelle));
    } finally {
      await db.$disconnect();
    }
  });

const system = program.command('jeton-systeme').description('jetons des logiciels d’achat pour l’API des événements (administration)');
system
  .command('creer')
  .description('crée un jeton système pour une collectivité et l’affiche une seule fois')
  .requiredOption('--collectivite <id>', 'identifiant de la collectivité (ex. clermont)')
  .requiredOption('--libelle <libellé>', 'le logiciel qui s’en sert (ex. profil acheteur)')
  .action(async (opts: { collectivite: string; libelle: string }) => {
    const known = await knownCollectivities(POLICIES_DIR);
    if (!known.includes(opts.collectivite)) throw new Error(`collectivité inconnue : ${opts.collectivite} (connues : ${known.join(', ')})`);
    const db = createDb(loadConfig().databaseUrl);
    try {
      const { id, token } = await createSystemToken(db, opts.collectivite, opts.libelle);
      console.log(`✓ jeton système ${id} créé pour ${opts.collectivite} (${opts.libelle})\n  jeton (affiché une seule fois) : ${token}`);
    } finally {
      await db.$disconnect();
    }
  });
system
  .command('revoquer')
  .description('révoque un jeton système')
  .argument('<id>', 'identifiant du jeton (affiché à sa création)')
  .action(async (id: string) => {
    const db = createDb(loadConfig().databaseUrl);
    try {
      if (!(await revokeSystemToken(db, id))) throw new Error(`aucun jeton système valide : ${id}`);
      console.log(`✓ jeton système ${id} révoqué`);
    } finally {
      await db.$disconnect();
    }
  });

program
  .command('importer')
  .description('importe un fichier : programmation des achats (CSV, XLSX), DECP (JSON, format 2.0.3) ou personnes (CSV, XLSX). Sans --appliquer, rend seulement compte, ligne par ligne')
  .addArgument(new Argument('<type>').choices(IMPORT_KINDS))
  .argument('<fichier>')
  .requiredOption('--collectivite <id>', 'identifiant de la collectivité (ex. clermont)')
  .option('--appliquer', 'applique l’import (sinon : essai à blanc)')
  .option('--lignes-valides', 'applique les lignes valides même si d’autres sont refusées')
  .option('--tout-acheteur', 'DECP : accepte les marchés d’un autre acheteur que la collectivité (groupement, fusion)')
  .option('--acheteur <courriel>', 'DECP : la personne qui suivra les contrats importés (un compte de la collectivité)')
  .option('--service <nom>', 'DECP : le service acheteur des contrats importés')
  .action(async (kind: ImportKind, file: string, opts: { collectivite: string; appliquer?: boolean; lignesValides?: boolean; toutAcheteur?: boolean; acheteur?: string; service?: string }) => {
    const format = importFormat(file, kind);
    if (!format) throw new Error(`format de fichier non pris en charge pour ${kind} : ${file} (${kind === 'decp' ? '.json' : '.csv ou .xlsx'})`);
    await readFile(file).catch(() => {
      throw new Error(`fichier illisible : ${file}`);
    });
    const config = loadConfig();
    const db = createDb(config.databaseUrl);
    const producer = cliProducer(config);
    try {
      const known = await knownCollectivities(POLICIES_DIR);
      if (!known.includes(opts.collectivite)) throw new Error(`collectivité inconnue : ${opts.collectivite} (connues : ${known.join(', ')})`);
      const policy = await createPolicyActivities({ db, policiesDir: POLICIES_DIR }).loadPolicy(opts.collectivite);
      let buyer: { name: string; email: string } | undefined;
      if (opts.acheteur) {
        const person = await db.user.findUnique({ where: { email: opts.acheteur.toLowerCase() } });
        if (person?.collectivityId !== opts.collectivite) throw new Error(`--acheteur : aucun compte ${opts.acheteur} dans la collectivité ${opts.collectivite}`);
        buyer = { name: person.name, email: person.email };
      }
      if (opts.appliquer && kind !== 'personnes') await producer.connect();
      const summary = await runImport(
        { db, producer, contractEventsTopic: topics(config.kafka.topicPrefix).contractEvents },
        {
          kind, open: () => createReadStream(file), format, policy, actor: 'ligne de commande', apply: !!opts.appliquer,
          goodRowsOnly: opts.lignesValides, anyBuyer: opts.toutAcheteur, buyer, buyingService: opts.service,
        },
        (line) => {
          if (line.outcome !== 'same') console.log(`  ${lineText(line)}`);
        },
      );
      console.log(`${summary.held ? '✗' : '✓'} ${summaryText(summary)}`);
      if (summary.held) process.exitCode = 1;
    } finally {
      await producer.disconnect();
      await db.$disconnect();
    }
  });

program.parseAsync().catch((err: unknown) => {
  console.error(`✗ ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
