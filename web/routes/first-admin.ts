/** The one-time page that creates the first administrator (web/auth/first-admin.ts). */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../lib/config';
import type { Db } from '../../lib/db';
import { createFirstAdmin, FirstAdminForm, linkRefusal } from '../auth/first-admin';
import { openSession } from '../auth/session';
import { recordSignIn } from '../auth/tokens';
import { page } from '../render';

type Body = Record<string, string | undefined>;

export function firstAdminRoutes(app: FastifyInstance, db: Db, web: Config['web']): void {
  const secure = web.publicUrl.startsWith('https://');
  const form = async (secret: string, values: Body, errors: Record<string, string>, refusal?: string) => ({
    title: 'Premier administrateur', secret, values, errors, refusal,
    collectivities: await db.collectivity.findMany({ select: { id: true, name: true }, orderBy: { name: 'asc' } }),
  });

  app.get<{ Querystring: { lien?: string } }>('/premier-administrateur', async (req, reply) => {
    const refusal = await linkRefusal(db, req.query.lien);
    return page(reply.code(refusal ? 403 : 200), 'first-admin', await form(req.query.lien ?? '', {}, {}, refusal));
  });

  app.post<{ Body: Body }>('/premier-administrateur', async (req, reply) => {
    const body = req.body ?? {};
    const secret = body.lien ?? '';
    const parsed = FirstAdminForm.safeParse(body);
    const errors: Record<string, string> = {};
    if (!parsed.success) for (const i of parsed.error.issues) errors[String(i.path[0])] ??= i.message;
    else if (!(await db.collectivity.findUnique({ where: { id: parsed.data.collectivityId } }))) errors.collectivityId = 'collectivité inconnue';
    if (!parsed.success || Object.keys(errors).length) return page(reply.code(400), 'first-admin', await form(secret, body, errors));
    const created = await createFirstAdmin(db, secret, parsed.data);
    if ('refusal' in created) return page(reply.code(403), 'first-admin', await form(secret, body, {}, created.refusal));
    openSession(reply, created.userId, secure);
    await recordSignIn(db, created.userId);
    return reply.redirect('/', 303);
  });
}
