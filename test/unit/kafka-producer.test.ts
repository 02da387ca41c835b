import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, type Kafka, type Producer, type RecordMetadata } from 'kafkajs';
import { expect, it } from 'vitest';
import { createProducer, lostSession } from '../../lib/kafka-producer';
import { createLogger } from '../../lib/logger';

// The renewal alone, on stand-in producers; the fault suite shows it against a real broker restart.
const outOfOrder = () =>
  new KafkaJSProtocolError({ message: 'The broker received an out of order sequence number', type: 'OUT_OF_ORDER_SEQUENCE_NUMBER', code: 45 } as unknown as Error);

interface Session {
  connects: number;
  disconnects: number;
  sent: string[];
  /** What each send does before sending: throws to fail it. */
  failSend?: () => never;
  failConnect?: () => never;
}

/** A Kafka whose producers are recorded sessions; `plan[i]` shapes the i-th session made. */
function standIn(plan: Partial<Session>[] = []) {
  const sessions: Session[] = [];
  const kafka = {
    producer: () => {
      const s: Session = { connects: 0, disconnects: 0, sent: [], ...plan[sessions.length] };
      sessions.push(s);
      return {
        connect: async () => {
          s.connects++;
          s.failConnect?.();
        },
        disconnect: async () => void s.disconnects++,
        send: async ({ messages }: { messages: { value: string }[] }) => {
          s.failSend?.();
          s.sent.push(...messages.map((m) => m.value));
          return [] as RecordMetadata[];
        },
      } as unknown as Producer;
    },
  } as unknown as Kafka;
  return { kafka, sessions };
}

const message = (value: string) => ({ topic: 't', messages: [{ value }] });
const logger = createLogger('test', 'silent');

it('recognises a lost session, also under kafkajs’ retry wrapper, and nothing else', () => {
  expect(lostSession(outOfOrder())).toBe(true);
  expect(lostSession(new KafkaJSNumberOfRetriesExceeded(outOfOrder(), { retryCount: 5, retryTime: 1000 }))).toBe(true);
  expect(lostSession(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'))).toBe(false);
  expect(lostSession(undefined)).toBe(false);
});

it('sends on a new session once the broker has lost the first, and keeps it', async () => {
  const { kafka, sessions } = standIn([{ failSend: () => { throw outOfOrder(); } }]);
  const producer = createProducer(kafka, logger);
  await producer.connect();
  await producer.send(message('a'));
  await producer.send(message('b'));
  expect(sessions).toHaveLength(2);
  expect(sessions[0]).toMatchObject({ disconnects: 1, sent: [] });
  expect(sessions[1]).toMatchObject({ connects: 1, sent: ['a', 'b'] });
});

it('renews once for sends that fail together, and leaves other errors to the caller', async () => {
  const { kafka, sessions } = standIn([{ failSend: () => { throw outOfOrder(); } }, { failSend: undefined }]);
  const producer = createProducer(kafka, logger);
  await producer.connect();
  await Promise.all(['a', 'b', 'c'].map((v) => producer.send(message(v))));
  expect(sessions).toHaveLength(2);
  expect(sessions[1]!.sent.sort()).toEqual(['a', 'b', 'c']);

  sessions[1]!.failSend = () => { throw new KafkaJSConnectionError('Connection error'); };
  await expect(producer.send(message('d'))).rejects.toBeInstanceOf(KafkaJSConnectionError);
  expect(sessions).toHaveLength(2);
});

it('connects the new session again at the next send when the broker could not be reached', async () => {
  let reachable = false;
  const { kafka, sessions } = standIn([
    { failSend: () => { throw outOfOrder(); } },
    { failConnect: () => { if (!reachable) throw new KafkaJSConnectionError('Connection error'); return undefined as never; } },
  ]);
  const producer = createProducer(kafka, logger);
  await producer.connect();
  await expect(producer.send(message('a'))).rejects.toBeInstanceOf(KafkaJSConnectionError);
  reachable = true;
  await producer.send(message('a'));
  expect(sessions).toHaveLength(2);
  expect(sessions[1]).toMatchObject({ connects: 2, sent: ['a'] });
});
