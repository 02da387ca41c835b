/** Sign-in and sign-out: a personal token (demo, local accounts) or OpenID Connect (production). */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../lib/config';
import type { Db } from '../../lib/db';
import { OidcSignIn } from '../auth/oidc';
import { closeSession, openSession } from '../auth/session';
import { viewerOfToken } from '../auth/tokens';
import { page } from '../render';

const OIDC_COOKIE = 'spaser_oidc';

/** Only local paths: a sign-in never sends people elsewhere. */
const safeNext = (next: unknown) => (typeof next === 'string' && /^\/(?!\/)/.test(next) ? next : '/');

export function loginRoutes(app: FastifyInstance, db: Db, web: Config['web']): void {
  const secure = web.publicUrl.startsWith('https://');
  const oidc = web.auth.mode === 'oidc' ? new OidcSignIn({ ...web.auth, redirectUri: `${web.publicUrl}/connexion/retour` }) : undefined;

  app.get<{ Querystring: { suite?: string } }>('/connexion', async (req, reply) =>
    page(reply, 'login', { title: 'Connexion', mode: web.auth.mode, next: safeNext(req.query.suite) }));

  app.post<{ Body: { jeton?: string; suite?: string } }>('/connexion', async (req, reply) => {
    if (oidc) return reply.code(404).send();
    const viewer = req.body?.jeton ? await viewerOfToken(db, req.body.jeton.trim()) : undefined;
    if (!viewer) {
      return page(reply.code(401), 'login', { title: 'Connexion', mode: 'local', next: safeNext(req.body?.suite), error: 'Jeton inconnu ou révoqué.' });
    }
    openSession(reply, viewer.id, secure);
    return reply.redirect(safeNext(req.body.suite), 303);
  });

  app.post('/deconnexion', async (_req, reply) => {
    closeSession(reply);
    return reply.redirect('/connexion', 303);
  });

  if (!oidc) return;
  app.get<{ Querystring: { suite?: string } }>('/connexion/oidc', async (req, reply) => {
    const start = await oidc.start();
    const value = JSON.stringify({ state: start.state, verifier: start.verifier, next: safeNext(req.query.suite) });
    reply.setCookie(OIDC_COOKIE, value, { signed: true, httpOnly: true, sameSite: 'lax', secure, path: '/connexion', maxAge: 600 });
    return reply.redirect(start.url);
  });

  app.get('/connexion/retour', async (req, reply) => {
    const unsigned = req.unsignCookie(req.cookies[OIDC_COOKIE] ?? '');
    if (!unsigned.valid || !unsigned.value) {
      return page(reply.code(400), 'message', { title: 'Connexion expirée', text: 'Recommencez la connexion.', tone: 'warning', next: { href: '/connexion', label: 'Se connecter' } });
    }
    const expected = JSON.parse(unsigned.value) as { state: string; verifier: string; next: string };
    const email = await oidc.finish(new URL(req.url, web.publicUrl), expected);
    const user = await db.user.findUnique({ where: { email } });
    reply.clearCookie(OIDC_COOKIE, { path: '/connexion' });
    if (!user) {
      return page(reply.code(403), 'message', { title: 'Compte inconnu', text: `Aucun compte SPASER n’est ouvert pour ${email}. Demandez-le à votre responsable.`, tone: 'warning' });
    }
    openSession(reply, user.id, secure);
    return reply.redirect(expected.next, 303);
  });
}
