/**
 * `npm run release:check`, CI's production-tree check (issue 19). Builds the tree the Dockerfile builds, without
 * Docker: each stage is a folder, its COPY steps are copies, its `npm`, `node` and `bash release/…` steps run as
 * written (the other RUN steps install system packages, which this machine has). Then, as compose does, it runs the
 * migrations one-shot and the image's command against the running stack, waits until `/api/sante/pret` answers
 * ready, and stops it with SIGTERM: the process must exit cleanly.
 */
import { execFileSync, execSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { loadConfig } from '../lib/config';
import { freePort } from '../lib/free-port';
import { appPath } from '../lib/paths';
import { emptyDatabase } from '../prisma/fresh-database';
import { parseDockerfile, type Stage } from './dockerfile';

const say = (line: string) => console.log(`[production] ${line}`);
const t0 = Date.now();
const since = () => `${Math.round((Date.now() - t0) / 1000)} s`;

/** The checkout's files as `COPY . .` sends them: tracked or new, minus .gitignore and .dockerignore. */
function contextFiles(): string[] {
  const ignored = readFileSync(appPath('.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: appPath(), encoding: 'utf8' }).split('\n').filter(Boolean);
  return files.filter((f) => !ignored.some((i) => f === i || f.startsWith(`${i}/`)));
}

function buildStages(stages: Stage[], root: string): { dir: string; env: NodeJS.ProcessEnv; cmd: string[] } {
  const dirs = new Map<string, string>();
  let last = { dir: '', env: {} as NodeJS.ProcessEnv, cmd: [] as string[] };
  for (const stage of stages) {
    const dir = join(root, stage.name);
    mkdirSync(dir, { recursive: true });
    dirs.set(stage.name, dir);
    const env: NodeJS.ProcessEnv = { ...process.env };
    let cmd: string[] = [];
    const inStage = (path: string, s: Stage, sDir: string) => join(sDir, path.startsWith('/') ? relative(s.workdir, path) : path);
    for (const step of stage.steps) {
      if (step.kind === 'copy') {
        if (step.from) {
          const source = stages.find((s) => s.name === step.from)!;
          for (const path of step.sources) cpSync(inStage(path, source, dirs.get(source.name)!), inStage(step.dest, stage, dir), { recursive: true });
        } else {
          for (const file of step.sources.includes('.') ? contextFiles() : step.sources) {
            mkdirSync(dirname(join(dir, file)), { recursive: true });
            cpSync(appPath(file), join(dir, file), { recursive: true });
          }
        }
      } else if (step.kind === 'run') {
        if (!/^(npm|node|bash release\/)/.test(step.command)) {
          say(`${stage.name} : étape système laissée à la machine : ${step.command.slice(0, 70)}…`);
          continue;
        }
        const t = Date.now();
        execSync(step.command, { cwd: dir, env, stdio: ['ignore', 'ignore', 'inherit'], shell: '/bin/bash' });
        say(`${stage.name} : ${step.command.slice(0, 90)} (${Math.round((Date.now() - t) / 1000)} s)`);
      } else if (step.kind === 'env') {
        Object.assign(env, step.vars);
      } else {
        cmd = step.argv;
      }
    }
    last = { dir, env, cmd };
  }
  return last;
}

async function main(): Promise<void> {
  const stages = parseDockerfile(readFileSync(appPath('Dockerfile'), 'utf8'));
  const root = mkdtempSync(join(tmpdir(), 'spaser-production-'));
  try {
    say(`Dockerfile : ${stages.length} étapes (${stages.map((s) => `${s.name} sur ${s.image}`).join(', ')}), dans ${root}`);
    const tree = buildStages(stages, root);
    say(`arbre de production construit en ${since()} (${execSync('du -sh .', { cwd: tree.dir, encoding: 'utf8' }).split('\t')[0]})`);

    const config = loadConfig();
    const database = new URL(config.databaseUrl);
    database.pathname = '/spaser_production_check';
    // Empty: the image's migrations one-shot fills it, as in compose.
    await emptyDatabase(database.toString());
    const port = await freePort();
    const run = Date.now().toString(36);
    const env: NodeJS.ProcessEnv = {
      ...tree.env, DATABASE_URL: database.toString(), WEB_PORT: String(port), WEB_HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}`,
      TEMPORAL_TASK_QUEUE: `production-check-${run}`, KAFKA_TOPIC_PREFIX: `production-check.${run}.`, KAFKA_CLIENT_ID: `production-check-${run}`,
      LINK_SECRET: randomBytes(32).toString('hex'), SESSION_SECRET: randomBytes(32).toString('hex'), LOG_LEVEL: 'info',
    };
    execFileSync(process.execPath, ['dist/migrate.js'], { cwd: tree.dir, env, stdio: 'inherit' });

    const [command, ...args] = tree.cmd;
    const child = spawn(command === 'node' ? process.execPath : command!, args, { cwd: tree.dir, env, stdio: ['ignore', 'pipe', 'inherit'] });
    const output: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const started = Date.now();
    let ready: { pret: boolean } | undefined;
    while (!ready?.pret) {
      if (child.exitCode !== null) throw new Error(`le processus s’est arrêté au démarrage (code ${child.exitCode}) :\n${output.join('')}`);
      if (Date.now() - started > 120_000) throw new Error(`pas prêt en 120 s : ${JSON.stringify(ready)}`);
      ready = await fetch(`http://127.0.0.1:${port}/api/sante/pret`).then((r) => r.json() as Promise<{ pret: boolean }>).catch(() => undefined);
      if (!ready?.pret) await delay(250);
    }
    say(`${tree.cmd.join(' ')} : prêt en ${Math.round((Date.now() - started) / 100) / 10} s : ${JSON.stringify(ready)}`);
    const page = await fetch(`http://127.0.0.1:${port}/connexion`);
    if (page.status !== 200) throw new Error(`/connexion a répondu ${page.status}`);
    const stopping = Date.now();
    child.kill('SIGTERM');
    const code = await exited;
    if (code !== 0) throw new Error(`arrêt sur SIGTERM : code de sortie ${code}\n${output.join('').slice(-2000)}`);
    say(`arrêté proprement sur SIGTERM en ${Math.round((Date.now() - stopping) / 100) / 10} s ; vérification réussie en ${since()}`);
  } finally {
    if (!process.argv.includes('--garder')) rmSync(root, { recursive: true, force: true });
  }
}

await main().catch((err: unknown) => {
  console.error(`[production] ÉCHEC : ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
