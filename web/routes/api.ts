/** The JSON API, for the CLI and other systems; same scopes as the pages, errors in French naming the field. */
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { EventProducer } from '../../lib/kafka-producer';
import { ingestEvent } from '../../events/ingest';
import type { Db } from '../../lib/db';
import { mayAnswer } from '../access';
import { submitAnswer } from '../answering';
import { auditTrail } from '../audit-trail';
import { apiViewer, bearerToken } from '../auth/plugin';
import { collectivityOfSystemToken } from '../auth/system-tokens';
import * as q from '../queries';

export function apiRoutes(app: FastifyInstance, deps: { db: Db; temporal: Client; producer: EventProducer; contractEventsTopic: string }): void {
  const { db, temporal } = deps;

  app.get('/api/sante', async () => ({ ok: true }));

  // Procurement systems only, each with its collectivity's system token (npm run cli -- jeton-systeme creer).
  app.post('/api/evenements', async (req, reply) => {
    const token = bearerToken(req);
    const collectivityId = token ? await collectivityOfSystemToken(db, token) : undefined;
    if (!collectivityId) {
      return reply.code(401).send({ erreur: 'jeton système requis : en-tête Authorization: Bearer <jeton système de la collectivité>' });
    }
    const result = await ingestEvent(deps.producer, deps.contractEventsTopic, String(req.body ?? ''), { collectivityId });
    if (!result.ok) return reply.code(result.status).send({ erreur: result.reason });
    return reply.code(202).send({ accepte: true, eventId: result.eventId, contractId: result.contractId });
  });

  app.get('/api/moi', async (req, reply) => apiViewer(req, reply));

  app.get<{ Querystring: { toutes?: string } }>('/api/taches', async (req, reply) => {
    const viewer = await apiViewer(req, reply);
    if (!viewer) return;
    const tasks = await q.openTasks(db, viewer, { mine: req.query.toutes !== '1' });
    return { taches: tasks.map(({ answer: _a, ...t }) => t) };
  });

  app.get<{ Querystring: { service?: string; phase?: string; retard?: string } }>('/api/contrats', async (req, reply) => {
    const viewer = await apiViewer(req, reply);
    if (!viewer) return;
    return { contrats: await q.contracts(db, viewer, { service: req.query.service, phase: req.query.phase, overdue: req.query.retard === '1' }) };
  });

  app.get<{ Params: { id: string } }>('/api/contrats/:id', async (req, reply) => {
    const viewer = await apiViewer(req, reply);
    if (!viewer) return;
    const contract = await q.contract(db, viewer, req.params.id);
    return contract ?? reply.code(404).send({ erreur: `contrat introuvable : ${req.params.id}` });
  });

  app.get<{ Params: { id: string } }>('/api/contrats/:id/historique', async (req, reply) => {
    const viewer = await apiViewer(req, reply);
    if (!viewer) return;
    const contract = await q.contractRef(db, viewer, req.params.id);
    if (!contract) return reply.code(404).send({ erreur: `contrat introuvable : ${req.params.id}` });
    return { contrat: contract.id, historique: await auditTrail(db, temporal, contract) };
  });

  app.post<{ Params: { id: string } }>('/api/taches/:id/reponse', async (req, reply) => {
    const viewer = await apiViewer(req, reply);
    if (!viewer) return;
    const task = await q.task(db, viewer, req.params.id);
    if (!task) return reply.code(404).send({ erreur: `tâche introuvable : ${req.params.id}` });
    if (!mayAnswer(viewer, task)) return reply.code(403).send({ erreur: 'vous ne pouvez pas répondre à cette tâche' });
    let answer: unknown;
    try {
      answer = JSON.parse(String(req.body ?? ''));
    } catch {
      return reply.code(400).send({ erreur: 'corps JSON invalide : la réponse attendue est un objet JSON' });
    }
    const outcome = await submitAnswer(temporal, db, task, answer, viewer.email);
    if (!outcome.ok) return reply.code(outcome.status).send({ erreur: outcome.message, champs: outcome.fieldErrors });
    return { acceptee: true, tache: task.id };
  });
}
