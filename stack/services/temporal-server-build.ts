import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { run, which } from '../process';
import { MissingPrerequisite } from '../service';

/** The Temporal server release the cluster runs; its schema tool comes from the same module. */
export const TEMPORAL_SERVER_VERSION = 'v1.32.2';
// The server's go.mod asks for Go ≥ 1.26.10: the go command fetches this toolchain from the module proxy.
const GO_TOOLCHAIN = 'go1.27.3';
const PACKAGES = { server: 'go.temporal.io/server/cmd/server', sql: 'go.temporal.io/server/cmd/tools/sql' } as const;

export function temporalServerBinaries(cacheDir: string) {
  const dir = join(cacheDir, `temporal-server-${TEMPORAL_SERVER_VERSION}`);
  return { dir, server: join(dir, 'server'), sql: join(dir, 'sql') };
}

let building: Promise<void> | undefined;

/** Builds the server and its SQL tool from the Go module proxy once (about 7 minutes on 2 cores), then reuses them. */
export function ensureTemporalServerBinaries(cacheDir: string, say: (line: string) => void = () => undefined): Promise<void> {
  building ??= build(cacheDir, say);
  return building;
}

async function build(cacheDir: string, say: (line: string) => void): Promise<void> {
  const bins = temporalServerBinaries(cacheDir);
  if (existsSync(bins.server) && existsSync(bins.sql)) return;
  if (!(await which('go'))) throw new MissingPrerequisite('Go introuvable : installez-le (apt-get install golang-go) pour compiler le serveur Temporal.');
  say(`Compilation du serveur Temporal ${TEMPORAL_SERVER_VERSION} depuis le proxy de modules Go (environ 7 min, une seule fois)…`);
  // Built into a scratch folder and moved in whole, so an interrupted build never leaves a half binary in the cache.
  const scratch = `${bins.dir}.building`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const env = { ...process.env, GOTOOLCHAIN: GO_TOOLCHAIN, GOBIN: scratch, GOFLAGS: '-trimpath', CGO_ENABLED: '0' };
  for (const [name, pkg] of Object.entries(PACKAGES)) {
    await run('go', ['install', `${pkg}@${TEMPORAL_SERVER_VERSION}`], { env, maxBuffer: 64 << 20 });
    if (!existsSync(join(scratch, name))) throw new Error(`go install ${pkg} n'a pas produit ${name}`);
  }
  rmSync(bins.dir, { recursive: true, force: true });
  renameSync(scratch, bins.dir);
}
