import { setTimeout as delay } from 'node:timers/promises';
import type { EventProducer } from '../lib/kafka-producer';
import type { Db } from '../lib/db';
import type { Logger } from '../lib/logger';

interface OutboxRow {
  seq: bigint;
  topic: string;
  key: string;
  value: unknown;
}

/** The advisory lock the publishing relay holds for its batch's transaction. */
const RELAY_LOCK = 0x5350_4153_4552n; // "SPASER"

export interface OutboxRelayOptions {
  batchSize: number;
  idleMs: number;
}

/**
 * Publishes the outbox to Kafka in order and marks what was sent. One relay at a time holds the publishing lock, so
 * rows reach Kafka in their outbox order, and each contract's events in theirs; other relays stand by. A crash
 * between the send and the commit publishes a row again (at least once: consumers dedupe on `eventId`). Kafka down:
 * rows wait, the relay retries with back-off.
 */
export class OutboxRelay {
  private stopping = false;
  private loop?: Promise<void>;

  constructor(
    private readonly db: Db,
    private readonly producer: EventProducer,
    private readonly logger: Logger,
    private readonly options: OutboxRelayOptions = { batchSize: 500, idleMs: 200 },
  ) {}

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  run(): Promise<void> {
    this.loop ??= this.publishUntilStopped();
    return this.loop;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
    await this.producer.disconnect();
  }

  /** Publishes one batch; resolves to the number of rows published. */
  async publishBatch(): Promise<number> {
    return this.db.$transaction(
      async (tx) => {
        // One relay publishes at a time (the others stand by): with two publishing claimed batches at once, a later
        // row of a contract could reach Kafka before an earlier one (seen: task.opened before task.answered).
        const [lock] = await tx.$queryRaw<{ leader: boolean }[]>`SELECT pg_try_advisory_xact_lock(${RELAY_LOCK}::bigint) AS leader`;
        if (!lock?.leader) return 0;
        const rows = await tx.$queryRaw<OutboxRow[]>`
          SELECT seq, topic, key, value FROM outbox_messages
          WHERE published_at IS NULL ORDER BY seq LIMIT ${this.options.batchSize} FOR UPDATE SKIP LOCKED`;
        if (rows.length === 0) return 0;
        const byTopic = new Map<string, { key: string; value: string }[]>();
        for (const r of rows) {
          const list = byTopic.get(r.topic) ?? byTopic.set(r.topic, []).get(r.topic)!;
          list.push({ key: r.key, value: JSON.stringify(r.value) });
        }
        await this.producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
        await tx.$executeRaw`UPDATE outbox_messages SET published_at = now() WHERE seq = ANY(${rows.map((r) => r.seq)})`;
        return rows.length;
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
  }

  private async publishUntilStopped(): Promise<void> {
    let backoffMs = 500;
    while (!this.stopping) {
      try {
        const published = await this.publishBatch();
        backoffMs = 500;
        if (published === 0) await delay(this.options.idleMs);
        else this.logger.debug({ published }, 'outbox published');
      } catch (err) {
        this.logger.warn({ err: (err as Error).message, retryInMs: backoffMs }, 'outbox: publication impossible, nouvel essai');
        await delay(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 30_000);
      }
    }
  }
}
