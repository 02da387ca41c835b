import { freePort } from '../../lib/free-port';
import { inject } from 'vitest';
import { contractWorkflowId, type ContractFacts } from '../../domain/contract';
import type { Config } from '../../lib/config';
import { createDb, type Db } from '../../lib/db';
import { createLogger } from '../../lib/logger';
import { connectTemporal } from '../../lib/temporal';
import { createWebApp } from '../../workers/web';
import { createWorkerApp } from '../../workers/worker';
import { contractLifecycle } from '../../workflows/contract-lifecycle';
import { testConfig, uniqueId } from './env';
import { Mailbox } from '../../stack/mailbox';

export { freePort };

/** The product as people meet it: a worker on the dev server, the web app on a free port, the stack's mail receiver. */
export async function webEnv({ worker = true, port: fixedPort, auth, databaseUrl, topicPrefix }: { worker?: boolean; port?: number; auth?: Config['web']['auth']; databaseUrl?: string; topicPrefix?: string } = {}) {
  const port = fixedPort ?? (await freePort());
  const base = testConfig();
  const config = {
    ...base, databaseUrl: databaseUrl ?? base.databaseUrl, webPort: port, web: { ...base.web, publicUrl: `http://127.0.0.1:${port}`, auth: auth ?? base.web.auth },
    kafka: { ...base.kafka, topicPrefix: topicPrefix ?? base.kafka.topicPrefix },
  };
  const logger = createLogger('test', 'silent');
  const taskQueue = uniqueId('web');
  const workerApp = worker ? await createWorkerApp(config, logger, { workflowBundlePath: inject('workflowBundlePath'), taskQueue }) : undefined;
  void workerApp?.start();
  const web = await createWebApp(config, logger, port);
  void web.start();
  const temporal = await connectTemporal(config.temporal);
  const db: Db = createDb(config.databaseUrl);
  return {
    config, db, temporal, taskQueue, url: config.web.publicUrl, app: web.app,
    mailbox: new Mailbox(config.mailApiUrl),
    async start(contract: ContractFacts) {
      await temporal.workflow.start(contractLifecycle, { taskQueue, workflowId: contractWorkflowId(contract.id), args: [{ contract }] });
      return temporal.workflow.getHandle(contractWorkflowId(contract.id));
    },
    async teardown() {
      await web.stop();
      await workerApp?.stop();
      await temporal.connection.close();
      await db.$disconnect();
    },
  };
}
