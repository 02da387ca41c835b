import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { timeSkippingEnv } from '../support/temporal';

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await timeSkippingEnv();
});

afterAll(async () => {
  await env?.teardown();
});

it('runs a workflow with a one-year timer in seconds on the time-skipping server', async () => {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'year-timer',
    workflowsPath: new URL('../support/fixtures/year-timer.ts', import.meta.url).pathname,
  });
  const wallStart = Date.now();
  const elapsedInWorkflow = await worker.runUntil(
    env.client.workflow.execute('yearTimer', { taskQueue: 'year-timer', workflowId: `year-timer-${Date.now()}` }),
  );
  expect(elapsedInWorkflow).toBeGreaterThanOrEqual(365 * 24 * 3600 * 1000);
  expect(Date.now() - wallStart).toBeLessThan(30_000);
});
