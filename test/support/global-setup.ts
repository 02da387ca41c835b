import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../lib/config';
import { freshDatabase } from '../../prisma/fresh-database';
import { allServices } from '../../stack/services';
import { writeWorkflowBundle } from '../../workers/worker';
import { testConfig } from './env';

declare module 'vitest' {
  export interface ProvidedContext {
    workflowBundlePath: string;
  }
}

/** Once per run: the stack must be up; a fresh test database; the workflow bundle built once for all files. */
export default async function setup(project: TestProject): Promise<void> {
  process.env.VITEST_RUN_ID ??= Date.now().toString(36);
  // Called for the root and for each project, possibly at once: the work is shared through one promise.
  const shared = globalThis as { spaserTestSetup?: Promise<string> };
  project.provide('workflowBundlePath', await (shared.spaserTestSetup ??= prepareRun()));
}

async function prepareRun(): Promise<string> {
  const down: string[] = [];
  for (const service of allServices(loadConfig())) if (!(await service.healthy())) down.push(service.name);
  if (down.length) throw new Error(`Services arrêtés : ${down.join(', ')}. Lancez d'abord « npm run stack ».`);

  await freshDatabase(testConfig().databaseUrl);

  return writeWorkflowBundle(join(loadConfig().stackDir, 'test'));
}
