/**
 * The fault suite's own PostgreSQL, Kafka broker and SMTP receiver (other ports, their own data under
 * `.stack/faults`), so it can restart them without disturbing the development stack or other tests. Temporal is
 * the stack's: the suite does not restart it.
 */
import { join } from 'node:path';
import { loadConfig, type Config } from '../lib/config';
import { bringUp } from '../stack/stack';
import type { Service } from '../stack/service';
import { kafkaService } from '../stack/services/kafka';
import { mailService } from '../stack/services/mail';
import { postgresService } from '../stack/services/postgres';

export type FaultyPart = 'postgres' | 'kafka' | 'mail';

export interface FaultEnvironment {
  /** What the product's processes get in their environment. */
  env: NodeJS.ProcessEnv;
  config: Config;
  up(): Promise<void>;
  /** Stops a part, leaves it down for `downMs`, starts it again and waits until it is healthy. */
  restart(part: FaultyPart, downMs: number): Promise<void>;
  stop(part: FaultyPart): Promise<void>;
  /** Starts a part and waits until it is healthy. */
  start(part: FaultyPart): Promise<void>;
  down(): Promise<void>;
}

/** `ports` 0 for the tests' short version, another base for `npm run faults`, so both can run at once. */
export function faultEnvironment(run: string, { base = loadConfig(), ports = 0 } = {}): FaultEnvironment {
  const port = (n: number) => String(n + ports);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    STACK_DIR: join(base.stackDir, ports ? `faults-${ports}` : 'faults'),
    DATABASE_URL: `postgresql://spaser:spaser@127.0.0.1:${port(15532)}/spaser_faults`,
    KAFKA_BROKERS: `127.0.0.1:${port(19592)}`,
    KAFKA_CONTROLLER_PORT: port(19593),
    KAFKA_TOPIC_PREFIX: `faults.${run}.`,
    SMTP_PORT: port(11025),
    MAIL_API_URL: `http://127.0.0.1:${port(18025)}`,
    TEMPORAL_NAMESPACE: 'spaser-bench',
    TEMPORAL_TASK_QUEUE: `faults-${run}`,
    // A killed worker's claim on a mail lapses quickly, so the retry does not wait long.
    MAIL_LEASE_SECONDS: '5',
    LOG_LEVEL: 'warn',
  };
  const config = loadConfig(env);
  const services: Record<FaultyPart, Service> = { postgres: postgresService(config), kafka: kafkaService(config), mail: mailService(config) };

  return {
    env,
    config,
    async up() {
      await Promise.all(Object.values(services).map((s) => bringUp(s)));
    },
    async restart(part, downMs) {
      await this.stop(part);
      await new Promise((r) => setTimeout(r, downMs));
      await this.start(part);
    },
    stop: (part) => services[part].stop(),
    start: (part) => bringUp(services[part]),
    async down() {
      await Promise.all(Object.values(services).map((s) => s.stop()));
    },
  };
}
