import type { KafkaMessage } from 'kafkajs';
import type { EventProducer } from '../lib/kafka-producer';

/** Where a message that cannot be processed goes, untouched, with why. */
export class DeadLetters {
  constructor(
    private readonly producer: EventProducer,
    readonly topic: string,
  ) {}

  async send(source: { topic: string; partition: number; message: KafkaMessage }, reason: string): Promise<void> {
    const { topic, partition, message } = source;
    await this.producer.send({
      topic: this.topic,
      messages: [{
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          'x-dlq-reason': reason,
          'x-dlq-topic': topic,
          'x-dlq-partition': String(partition),
          'x-dlq-offset': message.offset,
          'x-dlq-at': new Date().toISOString(),
        },
      }],
    });
  }
}
