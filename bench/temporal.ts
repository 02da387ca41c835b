/** The benchmarks' Temporal namespace, with the product's search attributes (created on a stack started before it existed). */
import type { Client } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import proto from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../domain/search-attributes';
import type { Config } from '../lib/config';
import { connectTemporal } from '../lib/temporal';

export const BENCH_NAMESPACE = 'spaser-bench';
const { temporal } = proto; // CommonJS: no named export under Node's ESM loader
const TYPES = { Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD, Bool: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL };

export async function benchTemporal(config: Config): Promise<Client> {
  const client = await connectTemporal({ ...config.temporal, namespace: BENCH_NAMESPACE }, 'bench');
  const service = client.connection.workflowService;
  await service.registerNamespace({ namespace: BENCH_NAMESPACE, workflowExecutionRetentionPeriod: msToTs('1 day') }).catch(() => undefined);
  const { customAttributes: keys } = await client.connection.operatorService.listSearchAttributes({ namespace: BENCH_NAMESPACE });
  const missing = Object.entries(SEARCH_ATTRIBUTES).filter(([name]) => !keys?.[name]);
  if (missing.length) {
    await client.connection.operatorService.addSearchAttributes({
      namespace: BENCH_NAMESPACE, searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, TYPES[type]])),
    });
  }
  return client;
}
