import { Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { createDigestActivities } from '../../activities/digest';
import { createMailActivities, mailDeps } from '../../activities/mail';
import { createPolicyActivities, POLICIES_DIR } from '../../activities/policy';
import { createRecordActivities } from '../../activities/records';
import { contractWorkflowId, type ContractFacts } from '../../domain/contract';
import { createDb, type Db } from '../../lib/db';
import { createMailer } from '../../lib/mailer';
import { contractLifecycle, type ContractLifecycleInput } from '../../workflows/contract-lifecycle';
import { testConfig, uniqueId } from './env';
import { LifecycleDriver } from './lifecycle-driver';
import { timeSkippingEnv } from './temporal';

/** A time-skipping server, a worker with the real record, mail and digest activities on the test database, and a driver factory. */
export async function lifecycleEnv() {
  const env = await timeSkippingEnv();
  const config = testConfig();
  const db: Db = createDb(config.databaseUrl);
  const mailer = createMailer(config.smtp);
  const taskQueue = uniqueId('lifecycle');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    activities: {
      ...createPolicyActivities({ db, policiesDir: POLICIES_DIR }),
      ...createRecordActivities({ db, outboxTopics: { indicatorEvents: 'test.indicator-events', taskEvents: 'test.task-events' } }),
      ...createMailActivities(mailDeps(config, db, mailer)),
      ...createDigestActivities(mailDeps(config, db, mailer)),
    },
  });
  const running = worker.run();

  return {
    env,
    db,
    taskQueue,
    /** `extra`: the rest of the workflow's input, as the consumer gives it (a notified contract's award). */
    async start(contract: ContractFacts, extra: Omit<ContractLifecycleInput, 'contract'> = {}): Promise<LifecycleDriver> {
      const started = await env.client.workflow.start(contractLifecycle, { taskQueue, workflowId: contractWorkflowId(contract.id), args: [{ contract, ...extra }] });
      return new LifecycleDriver(env, env.client.workflow.getHandle(contractWorkflowId(contract.id)), started.firstExecutionRunId);
    },
    async teardown() {
      worker.shutdown();
      await running;
      mailer.close();
      await db.$disconnect();
      await env.teardown();
    },
  };
}

export type LifecycleEnv = Awaited<ReturnType<typeof lifecycleEnv>>;
