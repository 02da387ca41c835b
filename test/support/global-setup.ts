import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../lib/config';
import { freshDatabase } from '../../prisma/fresh-database';
import { allServices } from '../../stack/services';
import { WORKFLOWS_PATH } from '../../workers/worker';
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

  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger });
  const dir = join(loadConfig().stackDir, 'test');
  mkdirSync(dir, { recursive: true });
  const bundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, code);
  return bundlePath;
}

const noop = () => undefined;
const quietBundlerLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };
