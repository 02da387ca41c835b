import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../lib/config';
import { STORE_HEADER } from '../mailbox';
import { startDaemon, stopDaemon } from '../process';
import { hostPort, stackPaths, type Service } from '../service';

const RECEIVER = fileURLToPath(new URL('../mail-receiver.ts', import.meta.url));

/** The SMTP receiver that keeps every message (Mailpit-compatible HTTP API). */
export function mailService(config: Config): Service {
  const paths = stackPaths(config);
  const api = hostPort(config.mailApiUrl, 8025);
  const pidFile = join(paths.run, 'mail.pid');
  const store = join(paths.data, 'mail');

  return {
    name: 'mail',
    startTimeoutSec: 20,
    endpoints: () => [`SMTP ${config.smtp.host}:${config.smtp.port}`, `messages ${config.mailApiUrl}/api/v1/messages`],
    prepare: async () => undefined,
    async healthy() {
      try {
        const res = await fetch(`http://${api.host}:${api.port}/livez`, { signal: AbortSignal.timeout(2000) });
        // Another stack's receiver on this port is not ours: mails would land in its store, out of our sight.
        return res.ok && res.headers.get(STORE_HEADER) === store;
      } catch {
        return false;
      }
    },
    async start() {
      startDaemon({
        command: process.execPath,
        args: ['--import', 'tsx', RECEIVER, String(config.smtp.port), String(api.port), store],
        logFile: join(paths.logs, 'mail.log'),
        pidFile,
        env: { LOG_FORMAT: 'json' },
      });
    },
    stop: async () => void (await stopDaemon(pidFile)),
  };
}
