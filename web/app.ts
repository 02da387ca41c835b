import Fastify, { type FastifyInstance } from 'fastify';
import type { Producer } from 'kafkajs';
import { ingestEvent } from '../events/ingest';

export interface WebDeps {
  producer: Producer;
  contractEventsTopic: string;
}

/** The HTTP API. `POST /api/evenements`: one contract event envelope, validated, then produced to Kafka. */
export function buildWebApp({ producer, contractEventsTopic }: WebDeps): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 1 << 20 });
  // Keep the raw body: it is what goes to Kafka, byte for byte.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.post('/api/evenements', async (req, reply) => {
    const result = await ingestEvent(producer, contractEventsTopic, String(req.body ?? ''));
    if (!result.ok) return reply.code(400).send({ erreur: result.reason });
    return reply.code(202).send({ accepte: true, eventId: result.eventId, contractId: result.contractId });
  });
  app.get('/api/sante', async () => ({ ok: true }));
  return app;
}
