import type { Kafka, Producer } from 'kafkajs';
import { producerOptions } from './kafka';
import type { Logger } from './logger';

/** What the product asks of a producer. */
export type EventProducer = Pick<Producer, 'connect' | 'disconnect' | 'send' | 'sendBatch'>;

/**
 * Errors after which the broker will refuse every further batch of this idempotent session: it lost the producer's
 * state (a restart, an expired producer id, a topic deleted and made again) or no longer knows its sequence.
 */
const LOST_SESSION = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH', 'INVALID_PRODUCER_ID_MAPPING']);

export function lostSession(err: unknown): boolean {
  for (let e = err as { type?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.type && LOST_SESSION.has(e.type)) return true;
  }
  return false;
}

/**
 * The product's idempotent producer. kafkajs keeps a session's producer id and sequence numbers for the life of the
 * producer, even across reconnects, so once a broker has lost that session every send fails until the process
 * restarts (tulios/kafkajs#598; seen in the fault suite after a Kafka restart: the outbox relay stuck for minutes).
 * This one drops the failed session, connects a new one and sends once more. A batch the broker did keep before
 * losing the session may then arrive twice: at least once, as everywhere else (consumers dedupe on `eventId`).
 */
export function createProducer(kafka: Kafka, logger: Logger): EventProducer {
  return new RenewingProducer(kafka, logger);
}

class RenewingProducer implements EventProducer {
  private session: Producer;
  /** A renewed session not connected yet: connected before the next send, again after a failed attempt. */
  private unconnected = false;
  private connecting?: Promise<void>;

  constructor(
    private readonly kafka: Kafka,
    private readonly logger: Logger,
  ) {
    this.session = kafka.producer(producerOptions);
  }

  connect = async (): Promise<void> => {
    await this.session.connect();
  };

  disconnect = async (): Promise<void> => {
    this.unconnected = false;
    await this.session.disconnect();
  };

  send: Producer['send'] = (record) => this.guarded((p) => p.send(record));

  sendBatch: Producer['sendBatch'] = (batch) => this.guarded((p) => p.sendBatch(batch));

  private async guarded<T>(call: (producer: Producer) => Promise<T>): Promise<T> {
    await this.ready();
    const session = this.session;
    try {
      return await call(session);
    } catch (err) {
      if (!lostSession(err)) throw err;
      if (session === this.session) this.renew(session, err); // not already renewed by a concurrent send
      await this.ready();
      return call(this.session);
    }
  }

  private renew(lost: Producer, err: unknown): void {
    this.logger.warn({ err: String(err) }, 'Kafka : session du producteur perdue par le broker, nouvelle session');
    this.session = this.kafka.producer(producerOptions);
    this.unconnected = true;
    void lost.disconnect().catch(() => undefined);
  }

  /** Connects a renewed session before its first send; sends waiting meanwhile share the one attempt. */
  private async ready(): Promise<void> {
    if (!this.unconnected) return;
    this.connecting ??= this.connectRenewed(this.session).finally(() => (this.connecting = undefined));
    await this.connecting;
  }

  private async connectRenewed(session: Producer): Promise<void> {
    await session.connect();
    if (session === this.session) this.unconnected = false;
  }
}
