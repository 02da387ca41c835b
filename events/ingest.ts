import type { EventProducer } from '../lib/kafka-producer';
import { parseContractEvent, type EventIssue } from '../schemas/contract-events';

export type IngestResult =
  | { ok: true; eventId: string; contractId: string }
  | { ok: false; status: 400 | 403; reason: string; issues?: EventIssue[] };

/**
 * Validates an envelope with the same schemas as the consumer and produces it to the inbound topic, keyed by
 * contract. `writer`: the collectivity the sender may write for (a system token's); an envelope claiming another
 * one is refused and nothing is produced. The consumer still checks the claim against the contract's owner.
 */
export async function ingestEvent(producer: EventProducer, topic: string, raw: string | Buffer, writer?: { collectivityId: string }): Promise<IngestResult> {
  return (await ingestEvents(producer, topic, [raw], writer))[0]!;
}

/** The same for many envelopes (an import): the valid ones are produced in one request, the others refused. */
export async function ingestEvents(producer: EventProducer, topic: string, raws: (string | Buffer)[], writer?: { collectivityId: string }): Promise<IngestResult[]> {
  const results = raws.map((raw) => check(raw, writer));
  const messages = results.flatMap((r, i) => (r.ok ? [{ key: r.contractId, value: text(raws[i]!) }] : []));
  if (messages.length) await producer.send({ topic, messages });
  return results;
}

function check(raw: string | Buffer, writer?: { collectivityId: string }): IngestResult {
  const parsed = parseContractEvent(raw);
  if (!parsed.ok) return { ok: false, status: 400, reason: parsed.reason, issues: parsed.issues };
  const { event } = parsed;
  if (writer && event.collectivity !== writer.collectivityId) {
    return { ok: false, status: 403, reason: `l’événement est pour la collectivité « ${event.collectivity} », le jeton est celui de « ${writer.collectivityId} »` };
  }
  return { ok: true, eventId: event.eventId, contractId: event.contractId };
}

const text = (raw: string | Buffer) => (typeof raw === 'string' ? raw : raw.toString('utf8'));
