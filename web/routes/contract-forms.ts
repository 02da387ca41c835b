/**
 * Contracts in the browser: a buyer or a manager registers a contract, a manager records what happens to it
 * (amendment, suspension, resumption, termination, unsuccessful procedure), the contract's buyer or a manager sets its
 * kickoff meeting. Each form becomes the same event as the Kafka path, validated by the same schemas and produced by
 * the same ingestion code, with the person as source.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { EventProducer } from '../../lib/kafka-producer';
import type { Db } from '../../lib/db';
import { eventJson, PAYLOADS, type EventType } from '../../schemas/contract-events';
import { ingestEvent } from '../../events/ingest';
import type { Viewer } from '../access';
import { pageViewer } from '../auth/plugin';
import { answerFromForm, schemaFields, type Field, type FormBody } from '../forms/answer-form';
import * as q from '../queries';
import { page } from '../render';

/**
 * The events recorded from a contract's page, with the French name of each action. Managers take them all; the
 * contract's own buyer takes those marked `buyer`.
 */
export const CONTRACT_ACTIONS = {
  lancement: { type: 'kickoff.scheduled', label: 'Fixer la réunion de lancement', buyer: true },
  avenant: { type: 'contract.amended', label: 'Enregistrer un avenant' },
  suspension: { type: 'contract.suspended', label: 'Suspendre le marché' },
  reprise: { type: 'contract.resumed', label: 'Reprendre le marché' },
  resiliation: { type: 'contract.terminated', label: 'Résilier le marché' },
  infructueux: { type: 'procedure.unsuccessful', label: 'Déclarer la procédure infructueuse' },
} as const satisfies Record<string, { type: EventType; label: string; buyer?: boolean }>;
type ActionName = keyof typeof CONTRACT_ACTIONS;

/** Who may take an action on a contract: a manager of its collectivity (the scope checks it), or its own buyer. */
function mayAct(viewer: Viewer, action: object | undefined, contract?: { buyerEmail: string }): boolean {
  if (viewer.role === 'manager') return true;
  const forBuyer = action !== undefined && 'buyer' in action && action.buyer === true;
  return viewer.role === 'buyer' && forBuyer && (!contract || contract.buyerEmail === viewer.email);
}

/** The action forms of a contract's page the person may use, each from its event's payload schema. */
export const contractActions = (viewer: Viewer, contract: { buyerEmail: string }) =>
  Object.entries(CONTRACT_ACTIONS)
    .filter(([, a]) => mayAct(viewer, a, contract))
    .map(([name, a]) => ({ name, label: a.label, fields: schemaFields(PAYLOADS[a.type][1]) }));

const REFERENCE: Field = { type: 'text', name: 'reference', label: 'Référence du marché', required: true, long: false };
const registrationFields = (): Field[] => [REFERENCE, ...schemaFields(PAYLOADS['contract.registered'][1])];

/** Builds and produces the event through the ingestion path; its field errors (French) keyed by form field. */
async function produce(producer: EventProducer, topic: string, viewer: Viewer, type: EventType, contractId: string, payload: unknown) {
  const raw = eventJson({ eventId: randomUUID(), type, source: viewer.email, collectivity: viewer.collectivityId, contractId, payload });
  const result = await ingestEvent(producer, topic, raw, { collectivityId: viewer.collectivityId });
  if (result.ok) return { errors: undefined };
  if (!result.issues) return { errors: { form: result.reason } };
  const errors: Record<string, string> = {};
  // The envelope's contract id is the form's reference; every other envelope field is set here, not by the person.
  for (const i of result.issues) errors[i.path === 'contractId' ? 'reference' : i.path] ??= i.message;
  return { errors };
}

export function contractFormRoutes(app: FastifyInstance, db: Db, producer: EventProducer, topic: string): void {
  const refuse = (reply: FastifyReply, viewer: Viewer, text: string) => page(reply.code(403), 'message', { title: 'Accès refusé', text, tone: 'warning' }, viewer);

  const showRegistration = (reply: FastifyReply, viewer: Viewer, values: FormBody, errors: Record<string, string>) =>
    page(reply, 'contract-new', { title: 'Nouveau contrat', fields: registrationFields(), values, errors }, viewer);

  app.get('/contrats/nouveau', async (req, reply) => {
    const viewer = await pageViewer(req, reply);
    if (!viewer) return reply;
    if (viewer.role === 'partner') return refuse(reply, viewer, 'Les contrats sont enregistrés par les acheteurs et les responsables.');
    return showRegistration(reply, viewer, { 'buyer.name': viewer.name, 'buyer.email': viewer.email }, {});
  });

  app.post<{ Body: FormBody }>('/contrats/nouveau', async (req, reply) => {
    const viewer = await pageViewer(req, reply);
    if (!viewer) return reply;
    if (viewer.role === 'partner') return refuse(reply, viewer, 'Les contrats sont enregistrés par les acheteurs et les responsables.');
    const body = req.body ?? {};
    const reference = String(body.reference ?? '').trim();
    const payload = answerFromForm(registrationFields().slice(1), body);
    if (!reference) return showRegistration(reply.code(400), viewer, body, { reference: 'indiquez la référence du marché' });
    if (await db.contract.findUnique({ where: { id: reference } })) return showRegistration(reply.code(400), viewer, body, { reference: 'un contrat porte déjà cette référence' });
    const { errors } = await produce(producer, topic, viewer, 'contract.registered', reference, payload);
    if (errors) return showRegistration(reply.code(400), viewer, body, errors);
    return page(reply.code(202), 'message', {
      title: 'Contrat enregistré', tone: 'success', text: `Le contrat ${reference} est transmis : ses premières questions partent dans un instant.`,
      next: { href: `/contrats/${encodeURIComponent(reference)}`, label: 'Voir le contrat' },
    }, viewer);
  });

  app.post<{ Params: { id: string; action: string }; Body: FormBody }>('/contrats/:id/actions/:action', async (req, reply) => {
    const viewer = await pageViewer(req, reply);
    if (!viewer) return reply;
    const action = CONTRACT_ACTIONS[req.params.action as ActionName] as (typeof CONTRACT_ACTIONS)[ActionName] | undefined;
    if (!mayAct(viewer, action)) return refuse(reply, viewer, 'Ces actions sont réservées aux responsables de la collectivité.');
    const contract = await q.contract(db, viewer, req.params.id);
    if (!contract || !action) return page(reply.code(404), 'message', { title: 'Introuvable', text: 'Ce contrat ou cette action n’existe pas, ou vous n’y avez pas accès.', tone: 'warning' }, viewer);
    if (!mayAct(viewer, action, contract)) return refuse(reply, viewer, 'Seuls l’acheteur du marché et les responsables de la collectivité fixent sa réunion de lancement.');
    const fields = schemaFields(PAYLOADS[action.type][1]);
    const { errors } = await produce(producer, topic, viewer, action.type, contract.id, answerFromForm(fields, req.body ?? {}));
    if (errors) {
      const text = Object.entries(errors).map(([k, m]) => (k === 'form' ? m : `${k} : ${m}`)).join(' ; ');
      return page(reply.code(400), 'message', { title: `${action.label} : refusé`, text, tone: 'warning', next: { href: `/contrats/${encodeURIComponent(contract.id)}`, label: 'Retour au contrat' } }, viewer);
    }
    return page(reply.code(202), 'message', {
      title: action.label, tone: 'success', text: 'C’est transmis : l’historique du contrat le montre dès que le suivi l’a pris en compte.',
      next: { href: `/contrats/${encodeURIComponent(contract.id)}`, label: 'Retour au contrat' },
    }, viewer);
  });
}
