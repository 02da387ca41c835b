import { setTimeout as delay } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import type { Consumer, EachMessagePayload, Kafka } from 'kafkajs';
import { whileTopicsSettle } from '../lib/kafka';
import { createProducer, type EventProducer } from '../lib/kafka-producer';
import type { Logger } from '../lib/logger';
import { CREATING_TYPES, parseContractEvent } from '../schemas/contract-events';
import { boundaryViolation } from './boundaries';
import { DeadLetters } from './dead-letters';
import { routeEvent } from './route';

export interface ContractEventConsumerOptions {
  topic: string;
  deadLetterTopic: string;
  groupId: string;
  taskQueue: string;
  /** Collectivities that have a policy: a registration for another one goes to the dead-letter topic. */
  collectivities: () => Promise<string[]>;
  /** One message at a time per partition, these many partitions at once (per-contract order holds: key = contract). */
  partitionsConcurrently?: number;
  /** Called once Temporal accepted a message (measurements). */
  onAccepted?: (message: EachMessagePayload['message']) => void;
}

/**
 * Reads contract events and hands each to its contract's workflow. Messages of a partition are handled one at a
 * time, so events of a contract (keyed by its id) keep their order; an offset is committed only once its message
 * was accepted by Temporal or sent to the dead-letter topic. Temporal unreachable: the message is retried.
 * kafkajs gives up for good on some errors (a crash "without restart"); the process would then live on, consuming
 * nothing: this consumer starts a new one instead, and keeps trying until it runs.
 */
export class ContractEventConsumer {
  private consumer: Consumer;
  private stopping = false;
  private readonly producer: EventProducer;
  private readonly deadLetters: DeadLetters;
  /** Contracts' collectivities already looked up: one describe per contract, not per event. */
  private readonly owners = new Map<string, string>();

  constructor(
    private readonly kafka: Kafka,
    private readonly client: Client,
    private readonly logger: Logger,
    private readonly options: ContractEventConsumerOptions,
  ) {
    this.consumer = this.newConsumer();
    this.producer = createProducer(kafka, logger);
    this.deadLetters = new DeadLetters(this.producer, options.deadLetterTopic);
  }

  async connect(): Promise<void> {
    await Promise.all([this.connectConsumer(), this.producer.connect()]);
  }

  private async connectConsumer(): Promise<void> {
    await this.consumer.connect();
    await whileTopicsSettle(() => this.consumer.subscribe({ topic: this.options.topic, fromBeginning: true }));
  }

  async run(): Promise<void> {
    await this.consumer.run({
      partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 3,
      eachMessage: (payload) => this.handle(payload),
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }

  private newConsumer(): Consumer {
    const consumer = this.kafka.consumer({ groupId: this.options.groupId });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart && !this.stopping && consumer === this.consumer) void this.startAgain(payload.error);
    });
    return consumer;
  }

  /** After a crash kafkajs will not restart from: a new consumer in the same group, tried until it runs. */
  private async startAgain(cause: Error): Promise<void> {
    this.logger.error({ err: String(cause) }, 'consommateur arrêté par kafkajs sans reprise : nouveau consommateur');
    for (let attempt = 1; !this.stopping; attempt++) {
      await delay(Math.min(30_000, 1000 * attempt));
      if (this.stopping) return;
      this.consumer = this.newConsumer();
      try {
        await this.connectConsumer();
        await this.run();
        this.logger.warn({ attempt }, 'consommateur relancé');
        return;
      } catch (err) {
        this.logger.warn({ err: String(err), attempt }, 'consommateur : relance impossible, nouvel essai');
        await this.consumer.disconnect().catch(() => undefined);
      }
    }
  }

  private async handle({ topic, partition, message }: EachMessagePayload): Promise<void> {
    const parsed = parseContractEvent(message.value);
    let reason = parsed.ok ? undefined : parsed.reason;
    if (parsed.ok && message.key?.toString() !== parsed.event.contractId) reason = `clé du message différente du contractId (${parsed.event.contractId})`;
    if (parsed.ok && !reason) reason = await boundaryViolation({ client: this.client, collectivities: this.options.collectivities, owners: this.owners }, parsed.event);
    if (parsed.ok && !reason) {
      const outcome = await routeEvent(this.client, this.options.taskQueue, parsed.event);
      if (typeof outcome === 'object') reason = CREATING_TYPES.includes(parsed.event.type) ? outcome.rejected : `${outcome.rejected} (${parsed.event.type})`;
      else {
        this.options.onAccepted?.(message);
        this.logger.debug({ eventId: parsed.event.eventId, type: parsed.event.type, outcome }, 'event accepted');
      }
    }
    if (reason) {
      await this.deadLetters.send({ topic, partition, message }, reason);
      this.logger.warn({ partition, offset: message.offset, reason }, 'message sent to the dead-letter topic');
    }
  }
}
