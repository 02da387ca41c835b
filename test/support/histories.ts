import { writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { LifecycleDriver } from './lifecycle-driver';

export const HISTORIES_DIR = new URL('../histories/', import.meta.url);

/** With RECORD_HISTORIES=1, keeps the first run's history under test/histories for the replay test. */
export async function saveHistory(name: string, d: LifecycleDriver): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await d.env.client.workflow.getHandle(d.handle.workflowId, d.firstRunId).fetchHistory();
  writeFileSync(new URL(`${name}.json`, HISTORIES_DIR), historyToJSON(history));
}
