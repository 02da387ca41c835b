import type { Producer } from 'kafkajs';
import { parseContractEvent, type EventIssue } from '../schemas/contract-events';

export type IngestResult =
  | { ok: true; eventId: string; contractId: string }
  | { ok: false; status: 400 | 403; reason: string; issues?: EventIssue[] };

/**
 * Validates an envelope with the same schemas as the consumer and produces it to the inbound topic, keyed by
 * contract. `writer`: the collectivity the sender may write for (a system token's); an envelope claiming another
 * one is refused and nothing is produced. The consumer still checks the claim against the contract's owner.
 */
export async function ingestEvent(producer: Producer, topic: string, raw: string | Buffer, writer?: { collectivityId: string }): Promise<IngestResult> {
  const parsed = parseContractEvent(raw);
  if (!parsed.ok) return { ok: false, status: 400, reason: parsed.reason, issues: parsed.issues };
  const { event } = parsed;
  if (writer && event.collectivity !== writer.collectivityId) {
    return { ok: false, status: 403, reason: `l’événement est pour la collectivité « ${event.collectivity} », le jeton est celui de « ${writer.collectivityId} »` };
  }
  await producer.send({ topic, messages: [{ key: event.contractId, value: typeof raw === 'string' ? raw : raw.toString('utf8') }] });
  return { ok: true, eventId: event.eventId, contractId: event.contractId };
}
