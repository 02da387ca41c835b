import type { Producer } from 'kafkajs';
import { parseContractEvent } from '../schemas/contract-events';

export type IngestResult = { ok: true; eventId: string; contractId: string } | { ok: false; reason: string };

/** Validates an envelope with the same schemas as the consumer and produces it to the inbound topic, keyed by contract. */
export async function ingestEvent(producer: Producer, topic: string, raw: string | Buffer): Promise<IngestResult> {
  const parsed = parseContractEvent(raw);
  if (!parsed.ok) return parsed;
  const { event } = parsed;
  await producer.send({ topic, messages: [{ key: event.contractId, value: typeof raw === 'string' ? raw : raw.toString('utf8') }] });
  return { ok: true, eventId: event.eventId, contractId: event.contractId };
}
