/**
 * The fault suite's own PostgreSQL, Kafka broker and SMTP receiver (other ports, their own data under
 * `.stack/faults`), so it can restart them without disturbing the development stack or other tests. Temporal is
 * the stack's dev server, which the suite leaves alone, or its own two-node cluster on the suite's PostgreSQL,
 * whose nodes it kills.
 */
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { loadConfig, type Config } from '../lib/config';
import { bringUp } from '../stack/stack';
import type { Service } from '../stack/service';
import { kafkaService } from '../stack/services/kafka';
import { mailService } from '../stack/services/mail';
import { postgresService } from '../stack/services/postgres';
import { CLUSTER_NODES, temporalClusterService, type TemporalCluster } from '../stack/services/temporal-cluster';

export type FaultyPart = 'postgres' | 'kafka' | 'mail' | 'temporal';
export type TemporalEngine = 'dev' | 'cluster';

export interface FaultEnvironment {
  /** What the product's processes get in their environment. */
  env: NodeJS.ProcessEnv;
  config: Config;
  /** The parts this environment can restart (Temporal only when it runs its own cluster). */
  parts: FaultyPart[];
  up(): Promise<void>;
  /**
   * Stops a part, leaves it down for `downMs`, starts it again and waits until it is healthy. For Temporal: one
   * node SIGKILLed, each in turn, while the other carries on. Returns what was done, for the log.
   */
  restart(part: FaultyPart, downMs: number): Promise<string>;
  stop(part: FaultyPart): Promise<void>;
  /** Starts a part and waits until it is healthy. */
  start(part: FaultyPart): Promise<void>;
  down(): Promise<void>;
}

/** `ports` 0 for the tests' short version, another base for `npm run faults`, so both can run at once. */
export function faultEnvironment(run: string, { base = loadConfig(), ports = 0, temporal = 'dev' as TemporalEngine } = {}): FaultEnvironment {
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
    ...(temporal === 'cluster' ? { TEMPORAL_ENGINE: 'cluster', TEMPORAL_ADDRESS: `127.0.0.1:${port(17233)}`, TEMPORAL_UI_PORT: port(18233) } : {}),
  };
  const config = loadConfig(env);
  const cluster: TemporalCluster | undefined = temporal === 'cluster' ? temporalClusterService(config) : undefined;
  const services: Partial<Record<FaultyPart, Service>> = {
    postgres: postgresService(config), kafka: kafkaService(config), mail: mailService(config), ...(cluster ? { temporal: cluster } : {}),
  };
  const service = (part: FaultyPart) => services[part] ?? raise(`no ${part} in this fault environment`);
  let killed = 0;

  return {
    env,
    config,
    parts: Object.keys(services) as FaultyPart[],
    async up() {
      await Promise.all(Object.values(services).map((s) => bringUp(s)));
    },
    async restart(part, downMs) {
      if (part === 'temporal' && cluster) {
        // The second node first: the one the product does not talk to, then the first, whose frontend it uses.
        const node = (1 + killed++) % CLUSTER_NODES;
        await cluster.killNode(node);
        await delay(downMs);
        const t0 = Date.now();
        await cluster.startNode(node);
        return `nœud Temporal ${node + 1} tué (SIGKILL), relancé ${downMs / 1000} s après, prêt en ${((Date.now() - t0) / 1000).toFixed(1)} s`;
      }
      await this.stop(part);
      await delay(downMs);
      await this.start(part);
      return `${part} redémarré`;
    },
    stop: (part) => service(part).stop(),
    start: (part) => bringUp(service(part)),
    async down() {
      await Promise.all(Object.values(services).map((s) => s.stop()));
    },
  };
}

function raise(message: string): never {
  throw new Error(message);
}
