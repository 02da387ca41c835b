import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../lib/config';
import { freshDatabase } from '../../prisma/fresh-database';
import { allServices } from '../../stack/services';
import { stackUp } from '../../stack/stack';
import { ensureChromium } from '../../stack/chromium';
import { writeWorkflowBundle } from '../../workers/worker';
import { testConfig } from './env';

declare module 'vitest' {
  export interface ProvidedContext {
    workflowBundlePath: string;
  }
}

/** Once per run: the stack up (started if it is not); a fresh test database; the workflow bundle built once for all files. */
export default async function setup(project: TestProject): Promise<void> {
  process.env.VITEST_RUN_ID ??= Date.now().toString(36);
  // Called for the root and for each project, possibly at once: the work is shared through one promise.
  const shared = globalThis as { spaserTestSetup?: Promise<string> };
  project.provide('workflowBundlePath', await (shared.spaserTestSetup ??= prepareRun()));
}

async function prepareRun(): Promise<string> {
  const config = loadConfig();
  const down: string[] = [];
  for (const service of allServices(config)) if (!(await service.healthy())) down.push(service.name);
  // `npm test` alone is enough: what is down is started, and left running for the next run (npm run stack:down).
  if (down.length) await stackUp(config, (line) => console.log(`[pile] ${line}`));
  await ensureChromium((line) => console.log(`[pile] ${line}`));

  await freshDatabase(testConfig().databaseUrl);

  // In this checkout, not in the stack's folder: two checkouts testing against one stack must not share a bundle.
  return writeWorkflowBundle(fileURLToPath(new URL('../../.stack/test/', import.meta.url)));
}
