import { writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { WorkflowHandle } from '@temporalio/client';

export const HISTORIES_DIR = new URL('../histories/', import.meta.url);

/** With RECORD_HISTORIES=1, keeps the first run's history under test/histories for the replay test. */
export async function saveHistory(name: string, handle: WorkflowHandle): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const first = handle.client.workflow.getHandle(handle.workflowId, (await handle.describe()).raw.workflowExecutionInfo?.rootExecution?.runId ?? undefined);
  const history = await first.fetchHistory();
  writeFileSync(new URL(`${name}.json`, HISTORIES_DIR), historyToJSON(history));
}
