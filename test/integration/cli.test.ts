import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { answers, contractFacts } from '../support/contracts';
import { eventually } from '../support/eventually';
import { uniqueId } from '../support/env';
import { person } from '../support/people';
import { webEnv } from '../support/web-env';

const CLI = fileURLToPath(new URL('../../workers/cli.ts', import.meta.url));
let env: Awaited<ReturnType<typeof webEnv>>;

beforeAll(async () => void (env = await webEnv()));
afterAll(() => env?.teardown());

/** Runs `npm run cli -- <args>` as a person would, with their token; resolves even on a non-zero exit. */
function cli(token: string, args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, SPASER_TOKEN: token, SPASER_API_URL: env.url } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }));
    child.stdin!.end(stdin ?? '');
  });
}

it('lists my tasks, answers one, refuses a bad answer naming the field, and shows the contract’s history', async () => {
  const buyer = await person(env.db, 'buyer', 'clermont');
  const contract = contractFacts(Date.now(), 6, { buyer: { name: 'Sam Roux', email: buyer.email } });
  await env.start(contract);
  const taskId = `${contract.id}:c1:programming-questionnaire`;
  await eventually('the programming task', () => env.db.task.findUnique({ where: { id: taskId } }).then((t) => t ?? undefined));

  const listed = await cli(buyer.token, ['taches']);
  expect(listed.code).toBe(0);
  expect(listed.stdout).toContain(taskId);
  expect(listed.stdout).toContain('Questions systématiques de programmation');

  const refused = await cli(buyer.token, ['repondre', taskId, '-'], JSON.stringify({ needConfirmed: 'oui' }));
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/✗ Réponse invalide : .*\(needConfirmed\)/);

  const stranger = await person(env.db, 'buyer', 'dijon');
  const crossing = await cli(stranger.token, ['repondre', taskId, '-'], JSON.stringify(answers.programming));
  expect(crossing.code).toBe(1);
  expect(crossing.stderr).toContain(`✗ tâche introuvable : ${taskId}`);

  const answered = await cli(buyer.token, ['repondre', taskId, '-'], JSON.stringify(answers.programming));
  expect(answered.stdout).toContain(`✓ réponse enregistrée pour ${taskId}`);
  await eventually('the answer recorded', () => env.db.task.findFirst({ where: { id: taskId, status: 'answered', answeredBy: buyer.email } }).then((t) => t ?? undefined));

  const history = await cli(buyer.token, ['historique', contract.id]);
  expect(history.stdout).toContain('Réponse : Questions systématiques de programmation');
  expect(history.stdout).toContain('Mail remis au serveur SMTP');

  const denied = await cli(stranger.token, ['historique', contract.id]);
  expect(denied.code).toBe(1);
  expect(denied.stderr).toContain(`✗ contrat introuvable : ${contract.id}`);
});

it('opens an administrator’s account from the command line, the collectivity taken from its policy', async () => {
  const admin = (args: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI, 'utilisateur', 'ajouter', ...args], { env: { ...process.env, DATABASE_URL: env.config.databaseUrl } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }));
  });
  const email = `${Date.now().toString(36)}.admin@dijon.test`;
  const made = await admin(['--email', email, '--nom', 'Alex Admin', '--role', 'responsable', '--collectivite', 'dijon', '--administrateur']);
  expect(made.stdout).toMatch(new RegExp(`✓ compte créé pour ${email.replace('.', '\\.')} \\(administrateur\\)`));
  expect(await env.db.user.findUnique({ where: { email } })).toMatchObject({ role: 'manager', admin: true, collectivityId: 'dijon' });
  expect(await env.db.adminAudit.count({ where: { collectivityId: 'dijon', action: 'person.added', actor: 'ligne de commande' } })).toBeGreaterThanOrEqual(1);

  const unknown = await admin(['--email', `x.${email}`, '--nom', 'X', '--role', 'acheteur', '--collectivite', 'paris']);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain('collectivité inconnue : paris (connues : clermont, dijon)');
});

it('imports a programme from the command line: the dry run names the bad row and its column; applied with it, nothing is', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-import-'));
  const file = join(dir, 'programmation.csv');
  const ref = uniqueId('C');
  const header = 'Référence;Objet;Nature;Code CPV;Montant estimé (HT);Procédure;Lots;Durée (mois);Date prévisionnelle d’attribution;Récurrent;Service acheteur;Acheteur (nom);Acheteur (courriel)';
  const row = (n: number, amount: string) => [`${ref}-${n}`, `Entretien des espaces verts n°${n}`, 'Services', '77310000', amount, 'MAPA', '0', '24', '15/03/2029', 'Non', 'Espaces verts', 'Camille Martin', 'camille.martin@clermont.test'].join(';');
  writeFileSync(file, `\uFEFF${[header, row(1, '45 000'), row(2, 'environ 40 000'), row(3, '12 500,50')].join('\r\n')}`);
  // The test database, and topics of its own: nothing this test could produce reaches another test's consumer.
  const importer = (args: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI, 'importer', 'programmation', file, '--collectivite', 'clermont', ...args],
      { env: { ...process.env, DATABASE_URL: env.config.databaseUrl, KAFKA_TOPIC_PREFIX: `${uniqueId('cli-import')}.` } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }));
  });
  try {
    const dry = await importer([]);
    expect(dry.code).toBe(0);
    // Row 2 is the spreadsheet's line 3 (the header is line 1).
    expect(dry.stdout).toContain('ligne 3 : refusé — Montant estimé (HT) : montant illisible (ex. 1 250 000,50) : « environ 40 000 »');
    expect(dry.stdout).toContain(`ligne 2 · PROG-clermont-${ref}-1 : à créer`);
    expect(dry.stdout).toContain('✓ Essai à blanc : 2 à créer, 0 à modifier, 0 inchangé(s), 1 refusé(s).');

    const held = await importer(['--appliquer']);
    expect(held.code).toBe(1);
    expect(held.stdout).toContain('✗ Rien n’est appliqué. 2 à créer, 0 à modifier, 0 inchangé(s), 1 refusé(s). 1 ligne(s) refusée(s)');
    expect(held.stdout).not.toContain('Import appliqué');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
