import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { run, which } from '../process';
import { MissingPrerequisite } from '../service';

/** The Temporal server release the cluster runs; its schema tool comes from the same module. */
export const TEMPORAL_SERVER_VERSION = 'v1.32.2';
// The newest UI whose dependencies the module proxy serves: v2.56.1 and later need echo v4.16.1, which it refuses.
const TEMPORAL_UI_VERSION = 'v2.56.0';
// The server's go.mod asks for Go ≥ 1.26.10: the go command fetches this toolchain from the module proxy.
const GO_TOOLCHAIN = 'go1.27.3';
const PROGRAMS = {
  server: `go.temporal.io/server/cmd/server@${TEMPORAL_SERVER_VERSION}`,
  sql: `go.temporal.io/server/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`,
  ui: `github.com/temporalio/ui-server/v2/cmd/server@${TEMPORAL_UI_VERSION}`,
} as const;

export function temporalServerBinaries(cacheDir: string) {
  const dir = join(cacheDir, `temporal-server-${TEMPORAL_SERVER_VERSION}-ui-${TEMPORAL_UI_VERSION}`);
  return { dir, server: join(dir, 'server'), sql: join(dir, 'sql'), ui: join(dir, 'ui') };
}

let building: Promise<void> | undefined;

/** Builds the server, its SQL tool and the Web UI from the Go module proxy once (about 7 minutes on 2 cores), then reuses them. */
export function ensureTemporalServerBinaries(cacheDir: string, say: (line: string) => void = () => undefined): Promise<void> {
  building ??= build(cacheDir, say);
  return building;
}

async function build(cacheDir: string, say: (line: string) => void): Promise<void> {
  const bins = temporalServerBinaries(cacheDir);
  if (Object.keys(PROGRAMS).every((name) => existsSync(join(bins.dir, name)))) return;
  if (!(await which('go'))) throw new MissingPrerequisite('Go introuvable : installez-le (apt-get install golang-go) pour compiler le serveur Temporal.');
  say(`Compilation du serveur Temporal ${TEMPORAL_SERVER_VERSION} et de son interface depuis le proxy de modules Go (environ 7 min, une seule fois)…`);
  // Built into a scratch folder and moved in whole, so an interrupted build never leaves a half binary in the cache.
  const scratch = `${bins.dir}.building`;
  rmSync(scratch, { recursive: true, force: true });
  for (const [name, program] of Object.entries(PROGRAMS)) {
    // One GOBIN per program: two of them are called `server`.
    const gobin = join(scratch, `${name}.bin`);
    mkdirSync(gobin, { recursive: true });
    const env = { ...process.env, GOTOOLCHAIN: GO_TOOLCHAIN, GOBIN: gobin, GOFLAGS: '-trimpath', CGO_ENABLED: '0' };
    await run('go', ['install', program], { env, maxBuffer: 64 << 20 });
    const [built] = readdirSync(gobin);
    if (!built) throw new Error(`go install ${program} n'a rien produit`);
    renameSync(join(gobin, built), join(scratch, name));
    rmSync(gobin, { recursive: true });
  }
  rmSync(bins.dir, { recursive: true, force: true });
  renameSync(scratch, bins.dir);
}
