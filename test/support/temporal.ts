import { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '../../lib/config';
import { temporalBinaries } from '../../stack/services/python-tools';

/** The time-skipping test server, from the binary `npm run stack` cached (it cannot be downloaded here). */
export function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = temporalBinaries(loadConfig().cacheDir).testServer;
  return TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
}
