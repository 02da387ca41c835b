/** The administration pages: people and system tokens of the administrator's own collectivity (web/admin/people.ts). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../lib/db';
import { ROLE_LABELS, type Viewer } from '../access';
import * as admin from '../admin/people';
import { pageViewer } from '../auth/plugin';
import { page } from '../render';

type Body = Record<string, string | undefined>;
type Params = { id: string };

export function adminRoutes(app: FastifyInstance, db: Db): void {
  /** Administrators only; a refusal of their request is shown on the page it came from. */
  const asAdmin = <P>(handler: (req: FastifyRequest<{ Params: P; Body: Body }>, reply: FastifyReply, viewer: Viewer) => Promise<unknown>) =>
    async (req: FastifyRequest<{ Params: P; Body: Body }>, reply: FastifyReply) => {
      const viewer = await pageViewer(req, reply);
      if (!viewer) return reply;
      if (!viewer.admin) {
        return page(reply.code(403), 'message', { title: 'Accès refusé', text: 'L’administration est réservée aux administrateurs de la collectivité.', tone: 'warning' }, viewer);
      }
      try {
        return await handler(req, reply, viewer);
      } catch (err) {
        if (!(err instanceof admin.AdminRefusal)) throw err;
        const title = err.status === 404 ? 'Introuvable' : 'Action refusée';
        return page(reply.code(err.status), 'message', { title, text: err.message, tone: 'warning', next: { href: '/administration', label: 'Retour à l’administration' } }, viewer);
      }
    };

  const personForm = async (reply: FastifyReply, viewer: Viewer, data: { person?: { id: string; deactivatedAt: Date | null; activeTokens?: number }; values: Body; errors: Record<string, string> }) =>
    page(reply, 'admin-person', {
      title: data.person ? 'Modifier une personne' : 'Ajouter une personne', ...data, roles: admin.ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] })),
      partners: await db.partner.findMany({ where: { collectivityId: viewer.collectivityId }, orderBy: { name: 'asc' }, select: { id: true, name: true } }),
    }, viewer);

  /** Parses the person form; a refusal becomes an error next to its field. */
  const submitPerson = async (reply: FastifyReply, viewer: Viewer, body: Body, save: (p: admin.Person) => Promise<unknown>, person?: { id: string; deactivatedAt: Date | null }) => {
    const parsed = admin.PersonForm.safeParse(body);
    const errors: Record<string, string> = {};
    if (!parsed.success) for (const i of parsed.error.issues) errors[String(i.path[0])] ??= i.message;
    else {
      try {
        return { saved: await save(parsed.data) };
      } catch (err) {
        if (!(err instanceof admin.AdminRefusal) || err.status === 404) throw err;
        errors[err.field ?? 'form'] = err.message;
      }
    }
    await personForm(reply.code(400), viewer, { person, values: body, errors });
    return undefined;
  };

  app.get('/administration', asAdmin(async (_req, reply, viewer) =>
    page(reply, 'admin', { title: 'Administration', ...(await admin.administration(db, viewer)), roleLabels: ROLE_LABELS }, viewer)));

  app.get('/administration/personnes/nouvelle', asAdmin(async (_req, reply, viewer) => personForm(reply, viewer, { values: {}, errors: {} })));

  app.post<{ Params: unknown; Body: Body }>('/administration/personnes', asAdmin(async (req, reply, viewer) => {
    const done = await submitPerson(reply, viewer, req.body ?? {}, (p) => admin.addPerson(db, viewer, p));
    if (!done) return reply;
    const { token } = done.saved as { token: string };
    return page(reply.code(201), 'admin-secret', { title: 'Compte ouvert', what: `Jeton d’accès de ${req.body.email}`, token }, viewer);
  }));

  app.get<{ Params: Params; Body: Body }>('/administration/personnes/:id', asAdmin<Params>(async (req, reply, viewer) => {
    const person = await admin.ownPerson(db, viewer, req.params.id);
    const values = { name: person.name, email: person.email, role: person.role, partnerId: person.partnerId ?? '', admin: person.admin ? 'oui' : undefined };
    return personForm(reply, viewer, { person, values, errors: {} });
  }));

  app.post<{ Params: Params; Body: Body }>('/administration/personnes/:id', asAdmin<Params>(async (req, reply, viewer) => {
    const person = await admin.ownPerson(db, viewer, req.params.id);
    const done = await submitPerson(reply, viewer, req.body ?? {}, (p) => admin.changePerson(db, viewer, req.params.id, p), person);
    return done ? reply.redirect('/administration', 303) : reply;
  }));

  /** The buttons of a person's page and of a system token; a refusal says why (asAdmin). */
  const action = (run: (viewer: Viewer, id: string, body: Body) => Promise<unknown>) => asAdmin<Params>(async (req, reply, viewer) => {
    await run(viewer, req.params.id, req.body ?? {});
    return reply.redirect('/administration', 303);
  });

  app.post<{ Params: Params; Body: Body }>('/administration/personnes/:id/activation', action((viewer, id, body) => admin.setActive(db, viewer, id, body.actif === 'oui')));
  app.post<{ Params: Params; Body: Body }>('/administration/personnes/:id/jetons/revocation', action((viewer, id) => admin.revokeTokens(db, viewer, id)));
  app.post<{ Params: Params; Body: Body }>('/administration/jetons-systeme/:id/revocation', action((viewer, id) => admin.dropSystemToken(db, viewer, id)));

  app.post<{ Params: unknown; Body: Body }>('/administration/jetons-systeme', asAdmin(async (req, reply, viewer) => {
    const { token } = await admin.addSystemToken(db, viewer, req.body?.label ?? '');
    return page(reply.code(201), 'admin-secret', { title: 'Jeton système créé', what: `Jeton système « ${req.body.label} »`, token }, viewer);
  }));
}
