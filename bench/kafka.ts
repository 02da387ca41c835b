/**
 * Kafka event → accepted by Temporal, through the product's consumer (validation, routing, start-or-signal),
 * beside its floor: a raw kafkajs consumer doing a bare signal-with-start. Latency is measured from the
 * message's produce timestamp to Temporal's acceptance, at a fixed rate; then the maximum sustained rate on a backlog.
 */
import { knownCollectivities, POLICIES_DIR } from '../activities/policy';
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import type { Kafka, Message } from 'kafkajs';
import { ContractEventConsumer } from '../events/contract-event-consumer';
import { addMonths, isoDay } from '../domain/dates';
import { createKafka, ensureTopics, producerOptions } from '../lib/kafka';
import type { Config } from '../lib/config';
import { createLogger } from '../lib/logger';

export interface Percentiles {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export const percentiles = (xs: number[]): Percentiles => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return { count: s.length, p50: at(0.5), p99: at(0.99), max: s.at(-1) ?? NaN };
};

const example = JSON.parse(readFileSync(new URL('../schemas/examples/contract.registered.v1.json', import.meta.url), 'utf8'));

/** A registration for a fresh contract: each starts a workflow (the costliest inbound path). */
function registration(run: string, i: number): Message {
  const contractId = `BENCH-${run}-${i}`;
  const payload = { ...example.payload, plannedAwardDate: addMonths(isoDay(Date.now()), 30) };
  return { key: contractId, value: JSON.stringify({ ...example, eventId: `${run}-${i}`, contractId, payload }), timestamp: String(Date.now()) };
}

type Sink = (onAccepted: (m: { timestamp: string }) => void) => Promise<{ stop(): Promise<void> }>;

/** Produces `total` messages at `rate` per second (or all at once), and waits until each was accepted. */
async function drive(kafka: Kafka, topic: string, sink: Sink, run: string, total: number, rate?: number) {
  const latencies: number[] = [];
  let first = 0;
  let last = 0;
  const producer = kafka.producer(producerOptions);
  await producer.connect();
  if (!rate) {
    // Backlog first, consumer after: the rate measured is the consumer's alone.
    for (let i = 0; i < total; i += 500) {
      await producer.send({ topic, messages: Array.from({ length: Math.min(500, total - i) }, (_, j) => registration(run, i + j)) });
    }
  }
  const consumer = await sink((m) => {
    const now = Date.now();
    first ||= now;
    last = now;
    latencies.push(now - Number(m.timestamp));
  });
  if (rate) {
    const tickMs = 20;
    const perTick = (rate * tickMs) / 1000;
    const start = Date.now();
    for (let sent = 0, tick = 0; sent < total; tick++) {
      const due = Math.min(total, Math.round((tick + 1) * perTick));
      const batch = Array.from({ length: due - sent }, (_, j) => registration(run, sent + j));
      sent = due;
      if (batch.length) await producer.send({ topic, messages: batch });
      await delay(Math.max(0, start + (tick + 1) * tickMs - Date.now()));
    }
  }
  const deadline = Date.now() + 120_000;
  while (latencies.length < total && Date.now() < deadline) await delay(50);
  await consumer.stop();
  await producer.disconnect();
  return { latencies: percentiles(latencies), perSecond: latencies.length > 1 ? (latencies.length - 1) / ((last - first) / 1000) : 0 };
}

/**
 * `rates`: the target rate first, then rates below the floor's maximum, where latency is the path's own and not
 * the time spent queued behind a saturated server.
 */
export async function benchKafka(config: Config, temporal: Client, { rates = [200, 50], seconds = 20, backlog = 3000, partitions = 12 } = {}) {
  const logger = createLogger('bench', 'warn');
  const kafka = createKafka(config.kafka, logger);
  const run = Date.now().toString(36);
  const taskQueue = `bench-kafka-${run}`; // no worker polls it: the measure stops at Temporal's acceptance

  const product: (topic: string) => Sink = (topic) => async (onAccepted) => {
    const consumer = new ContractEventConsumer(kafka, temporal, logger, {
      topic, deadLetterTopic: `${topic}.dlq`, groupId: `g-${topic}`, taskQueue, partitionsConcurrently: partitions, onAccepted: (m) => onAccepted(m as { timestamp: string }),
      collectivities: () => knownCollectivities(POLICIES_DIR),
    });
    await consumer.connect();
    void consumer.run();
    return consumer;
  };
  const floor: (topic: string) => Sink = (topic) => async (onAccepted) => {
    const consumer = kafka.consumer({ groupId: `g-${topic}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    void consumer.run({
      partitionsConsumedConcurrently: partitions,
      eachMessage: async ({ message }) => {
        await temporal.workflow.signalWithStart('benchBare', { taskQueue, workflowId: `bare-${message.key}`, signal: 'noop', signalArgs: [] });
        onAccepted({ timestamp: message.timestamp });
      },
    });
    return { stop: () => consumer.disconnect() };
  };

  type Measure = Awaited<ReturnType<typeof drive>>;
  const atRate: { rate: number; product: Measure; floor: Measure }[] = [];
  const measure = async (name: 'product' | 'floor', label: string, total: number, rate?: number) => {
    const topic = `bench.${run}.${name}.${label}`;
    await ensureTopics(kafka, [topic, `${topic}.dlq`], { numPartitions: partitions });
    return drive(kafka, topic, (name === 'product' ? product : floor)(topic), `${run}-${name}-${label}`, total, rate);
  };
  for (const rate of rates) {
    atRate.push({ rate, product: await measure('product', `r${rate}`, rate * seconds, rate), floor: await measure('floor', `r${rate}`, rate * seconds, rate) });
  }
  const max = { product: await measure('product', 'max', backlog), floor: await measure('floor', 'max', backlog) };
  return { seconds, backlog, partitions, atRate, max };
}
