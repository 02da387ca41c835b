/**
 * `npm run build`: the production code in dist/, run by plain `node` with no TypeScript tooling.
 * - Each process's entry point becomes one ES module bundle; packages stay in node_modules (`npm ci --omit=dev`).
 * - The Prisma client generated in prisma/generated stays where it is, imported from there.
 * - The workflows are bundled once for Temporal's sandbox (dist/workflow-bundle.js), so a worker starts without
 *   webpack and the bundle deployed is the one replayed in CI.
 * Files read at run time (policies, templates, views, migrations) are found from the root folder (lib/paths.ts).
 */
import { copyFileSync, rmSync } from 'node:fs';
import { build, type Plugin } from 'esbuild';
import { appPath } from '../lib/paths';
import { writeWorkflowBundle } from '../workers/worker';

/** The entry points, by the name their bundle takes in dist/ (lib/paths.ts `isMain` matches on it). */
export const ENTRIES: Record<string, string> = {
  main: 'workers/main.ts',
  worker: 'workers/worker.ts',
  consumer: 'workers/consumer.ts',
  relay: 'workers/relay.ts',
  web: 'workers/web.ts',
  cli: 'workers/cli.ts',
  migrate: 'prisma/migrate.ts',
};

// The generated client is CommonJS loading its own wasm beside it: imported from prisma/generated, not inlined.
const prismaClientOutside: Plugin = {
  name: 'prisma-client-outside',
  setup(b) {
    b.onResolve({ filter: /prisma\/generated\/client$/ }, () => ({ path: '../prisma/generated/client/index.js', external: true }));
  },
};

export async function buildProduction(say: (line: string) => void = console.log): Promise<void> {
  const dist = appPath('dist');
  rmSync(dist, { recursive: true, force: true });
  const t0 = Date.now();
  await build({
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, appPath(file)])),
    outdir: dist,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    packages: 'external',
    plugins: [prismaClientOutside],
    sourcemap: true,
    logLevel: 'warning',
  });
  // Loaded by the SDK's workflow thread from its path, so copied, not bundled (workers/sandbox.ts).
  copyFileSync(appPath('workers', 'sandbox-preload.cjs'), appPath('dist', 'sandbox-preload.cjs'));
  say(`dist/ : ${Object.keys(ENTRIES).length} points d’entrée en ${Date.now() - t0} ms`);
  const t1 = Date.now();
  await writeWorkflowBundle(dist);
  say(`dist/workflow-bundle.js : workflows empaquetés en ${Date.now() - t1} ms`);
}

await buildProduction();
