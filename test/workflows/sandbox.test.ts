import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWorkflowThreadsWithoutWatchdog } from '../../workers/sandbox';
import { eventually } from '../support/eventually';
import { timeSkippingEnv } from '../support/temporal';

// The SDK's own sandbox (created before the change) against the product's: same options, a 20 ms execution timeout.
const PROBE = new URL('../support/fixtures/sandbox-probe.ts', import.meta.url).pathname;
const SPIN = 300_000_000; // far more than 20 ms of work on any machine
let env: TestWorkflowEnvironment;
let sdkDefault: Worker;
let product: Worker;
let running: Promise<void>[];

beforeAll(async () => {
  env = await timeSkippingEnv();
  const options = { connection: env.nativeConnection, workflowsPath: PROBE, isolateExecutionTimeout: '20ms' } as const;
  sdkDefault = await Worker.create({ ...options, taskQueue: 'sandbox-sdk-default' });
  startWorkflowThreadsWithoutWatchdog();
  product = await Worker.create({ ...options, taskQueue: 'sandbox-product' });
  running = [sdkDefault.run(), product.run()];
});

afterAll(async () => {
  sdkDefault?.shutdown();
  product?.shutdown();
  await Promise.all(running ?? []);
  await env?.teardown();
});

const start = (workflow: 'spin' | 'parked', taskQueue: string, args: unknown[] = []) =>
  env.client.workflow.start(workflow, { taskQueue, workflowId: `${workflow}-${taskQueue}-${Date.now()}`, args });

it('runs a long synchronous activation to its end, where the SDK would stop it at its execution timeout', async () => {
  const stopped = await start('spin', 'sandbox-sdk-default', [SPIN]);
  const failure = await eventually('the SDK sandbox to fail the task', async () =>
    (await stopped.fetchHistory()).events?.find((e) => e.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes?.failure?.message ?? undefined);
  expect(failure).toMatch(/timed out/i);
  await stopped.terminate();
  const done = await start('spin', 'sandbox-product', [SPIN]);
  await expect(done.result()).resolves.toEqual(expect.any(Number));
  expect((await done.fetchHistory()).events?.some((e) => e.workflowTaskFailedEventAttributes)).toBe(false);
});

it('records no promise stack traces, so the stack trace query answers empty', async () => {
  const withHook = await start('parked', 'sandbox-sdk-default');
  const withoutHook = await start('parked', 'sandbox-product');
  expect(await withHook.query<string>('__stack_trace')).toContain('parked');
  expect(await withoutHook.query<string>('__stack_trace')).toBe('');
  await Promise.all([withHook.terminate(), withoutHook.terminate()]);
});
