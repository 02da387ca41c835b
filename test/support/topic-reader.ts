import type { Kafka } from 'kafkajs';
import { uniqueId } from './env';

export interface TopicMessage {
  key: string;
  value: string;
  reason: string;
  headers: Record<string, string>;
}

/** The matching messages of a topic, from the beginning: once `count` have come, or after `idleMs` with `count` 0. */
export async function readTopic(kafka: Kafka, topic: string, match: (m: TopicMessage) => boolean, count: number, idleMs = 0): Promise<TopicMessage[]> {
  const consumer = kafka.consumer({ groupId: uniqueId('reader') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const found: TopicMessage[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = count === 0
        ? setTimeout(resolve, idleMs)
        : setTimeout(() => reject(new Error(`only ${found.length} of ${count} messages on ${topic}`)), 20_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
          const m = { key: message.key?.toString() ?? '', value: message.value?.toString() ?? '', reason: headers['x-dlq-reason'] ?? '', headers };
          if (match(m)) found.push(m);
          if (count > 0 && found.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return found;
}

/** Every matching message of a topic up to its current end (the high-water mark of each partition when called). */
export async function readTopicToEnd(kafka: Kafka, topic: string, match: (m: TopicMessage) => boolean): Promise<TopicMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const total = ends.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  const all = total ? await readTopic(kafka, topic, () => true, total) : [];
  return all.filter(match);
}
