import type { Client } from '@temporalio/client';
import type { Consumer, EachMessagePayload, Kafka, Producer } from 'kafkajs';
import { producerOptions, whileTopicsSettle } from '../lib/kafka';
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
 */
export class ContractEventConsumer {
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  private readonly deadLetters: DeadLetters;
  /** Contracts' collectivities already looked up: one describe per contract, not per event. */
  private readonly owners = new Map<string, string>();

  constructor(
    kafka: Kafka,
    private readonly client: Client,
    private readonly logger: Logger,
    private readonly options: ContractEventConsumerOptions,
  ) {
    this.consumer = kafka.consumer({ groupId: options.groupId });
    this.producer = kafka.producer(producerOptions);
    this.deadLetters = new DeadLetters(this.producer, options.deadLetterTopic);
  }

  async connect(): Promise<void> {
    await Promise.all([this.consumer.connect(), this.producer.connect()]);
    await whileTopicsSettle(() => this.consumer.subscribe({ topic: this.options.topic, fromBeginning: true }));
  }

  async run(): Promise<void> {
    await this.consumer.run({
      partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 3,
      eachMessage: (payload) => this.handle(payload),
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.producer.disconnect();
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
