import { DefaultLogger, Runtime } from '@temporalio/worker';

// Tests show the SDK's warnings and errors only; its INFO lines would drown the results.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  /* already installed in this process */
}
