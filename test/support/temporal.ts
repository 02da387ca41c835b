import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { loadConfig } from '../../lib/config';
import { SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import { temporalBinaries } from '../../stack/services/python-tools';

const TYPES = { Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD, Bool: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL };

/** The time-skipping test server, from the binary `npm run stack` cached, with the product's search attributes. */
export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = temporalBinaries(loadConfig().cacheDir).testServer;
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(Object.entries(SEARCH_ATTRIBUTES).map(([name, type]) => [name, TYPES[type]])),
  });
  return env;
}
