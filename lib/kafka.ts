import { setTimeout as delay } from 'node:timers/promises';
import { Kafka, logLevel as KafkaLogLevel, Partitioners, type LogEntry, type ProducerConfig, type SASLOptions } from 'kafkajs';
import type { Config } from './config';
import type { Logger } from './logger';

/** Topic names, all under the configured prefix so several deployments can share a cluster. */
export function topics(prefix: string) {
  return {
    systemChecks: `${prefix}system-checks`,
    contractEvents: `${prefix}contract-events`,
    contractEventsDeadLetters: `${prefix}contract-events.dlq`,
    indicatorEvents: `${prefix}indicator-events`,
    taskEvents: `${prefix}task-events`,
  };
}

/** A kafkajs client whose logs go through our logger. */
export function createKafka(config: Config['kafka'], logger: Logger): Kafka {
  const log = logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    ssl: config.ssl,
    sasl: config.sasl as SASLOptions | undefined, // the mechanism and its credentials, as kafkajs types them per mechanism
    logLevel: KafkaLogLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...extra } = entry;
        // kafkajs logs retried protocol errors at ERROR; real failures reach us as thrown errors.
        if (level <= KafkaLogLevel.WARN) log.warn(extra, message);
      },
  });
}

/** Producer settings we always want: idempotent writes, and the default (murmur2) partitioner, explicitly. */
export const producerOptions: ProducerConfig = {
  idempotent: true,
  maxInFlightRequests: 1,
  createPartitioner: Partitioners.DefaultPartitioner,
};

/**
 * Creates the topics that do not exist yet (idempotent), so no first write waits for auto-creation. Existing
 * topics are left as they are: on a cluster, an operator may have sized them.
 */
export async function ensureTopics(kafka: Kafka, names: string[], { numPartitions = 3, replicationFactor = 1 } = {}): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // Asked again after "does not host", the topics already made are found and only the rest created.
    await whileTopicsSettle(async () => {
      const existing = new Set(await admin.listTopics());
      const missing = names.filter((n) => !existing.has(n));
      if (missing.length) await admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions, replicationFactor })), waitForLeaders: true });
    });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Runs a call that reads topic metadata (creating topics, subscribing) again while the broker answers "does not host
 * this topic-partition": a broker that has just started, or is creating many topics at once, says so before its new
 * topics are visible, and kafkajs retries only "leader not available". Seen on cold stacks, in tests' set-up.
 */
export async function whileTopicsSettle<T>(call: () => Promise<T>, attempts = 10): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const e = err as { type?: string; cause?: { type?: string } };
      if ((e.type ?? e.cause?.type) !== 'UNKNOWN_TOPIC_OR_PARTITION' || attempt >= attempts) throw err;
      await delay(500 * attempt);
    }
  }
}

const UNREACHABLE = new Set(['KafkaJSNumberOfRetriesExceeded', 'KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSBrokerNotFound', 'KafkaJSRequestTimeoutError']);

/**
 * A start-up step that needs the brokers (creating topics, connecting), tried again for as long as they cannot be
 * reached: kafkajs gives up after about 10 s, and a process that exits because a broker was restarting when it
 * started is a lost process wherever nothing restarts it. A stop (SIGTERM) still ends the wait (workers/lifecycle.ts);
 * meanwhile the readiness probe says Kafka is unreachable. Other errors (authentication, configuration) fail at once.
 */
export async function untilKafkaAnswers<T>(what: string, call: () => Promise<T>, logger: Logger): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const e = err as { name?: string; retriable?: boolean };
      if (!UNREACHABLE.has(e.name ?? '') && e.retriable !== true) throw err;
      logger.warn({ err: String(err), attempt }, `Kafka injoignable (${what}) : nouvel essai`);
      await delay(Math.min(5000, 500 * attempt));
    }
  }
}

/** The configured size of the topics the product creates. */
export const topicSizing = (config: Config['kafka']) => ({ numPartitions: config.topicPartitions, replicationFactor: config.replicationFactor });
