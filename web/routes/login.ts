/** Sign-in and sign-out: a personal token (demo, local accounts) or OpenID Connect (production). */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../lib/config';
import type { Db } from '../../lib/db';
import { isRefusal, linkedUser, OidcSignIn, type OidcPending, type Refusal } from '../auth/oidc';
import { closeSession, openSession, sessionIdToken } from '../auth/session';
import { useSignInLink } from '../auth/sign-in-links';
import { recordSignIn, viewerOfToken, viewerOfUserId } from '../auth/tokens';
import { page } from '../render';

const OIDC_COOKIE = 'spaser_oidc';

/** Why a person the provider vouched for does not get in. */
const REFUSALS: Record<Refusal, (email: string) => { title: string; text: string }> = {
  unknown: (email) => ({ title: 'Compte inconnu', text: `Aucun compte SPASER n’est ouvert pour ${email}. Demandez-le à votre responsable.` }),
  unverified: (email) => ({ title: 'Adresse non vérifiée', text: `Le fournisseur d’identité n’a pas vérifié l’adresse ${email}. Faites-la vérifier, puis recommencez.` }),
  linkedElsewhere: (email) => ({ title: 'Compte déjà relié', text: `Le compte SPASER de ${email} est relié à une autre identité. Demandez à votre responsable de le délier.` }),
  deactivated: (email) => ({ title: 'Compte désactivé', text: `Le compte SPASER de ${email} a été désactivé par un administrateur de votre collectivité.` }),
};

/** Only local paths: a sign-in never sends people elsewhere. */
const safeNext = (next: unknown) => (typeof next === 'string' && /^\/(?!\/)/.test(next) ? next : '/');

export function loginRoutes(app: FastifyInstance, db: Db, web: Config['web']): void {
  const secure = web.publicUrl.startsWith('https://');
  const oidc = web.auth.mode === 'oidc'
    ? new OidcSignIn({ ...web.auth, redirectUri: `${web.publicUrl}/connexion/retour`, postLogoutRedirectUri: `${web.publicUrl}/connexion` })
    : undefined;

  app.get<{ Querystring: { suite?: string } }>('/connexion', async (req, reply) =>
    page(reply, 'login', { title: 'Connexion', mode: web.auth.mode, next: safeNext(req.query.suite) }));

  app.post<{ Body: { jeton?: string; suite?: string } }>('/connexion', async (req, reply) => {
    if (oidc) return reply.code(404).send();
    const viewer = req.body?.jeton ? await viewerOfToken(db, req.body.jeton.trim()) : undefined;
    if (!viewer) {
      return page(reply.code(401), 'login', { title: 'Connexion', mode: 'local', next: safeNext(req.body?.suite), error: 'Jeton inconnu ou révoqué.' });
    }
    openSession(reply, viewer.id, secure);
    await recordSignIn(db, viewer.id);
    return reply.redirect(safeNext(req.body.suite), 303);
  });

  // A one-time link (the demo's): used once, then it is an ordinary session.
  app.get<{ Params: { secret: string } }>('/connexion/lien/:secret', async (req, reply) => {
    if (oidc) return reply.code(404).send(); // with a provider, people sign in through it only
    const userId = await useSignInLink(db, req.params.secret);
    const viewer = userId ? await viewerOfUserId(db, userId) : undefined;
    if (!viewer) {
      return page(reply.code(403), 'message', { title: 'Lien de connexion invalide', text: 'Ce lien a déjà servi, a expiré ou n’existe pas. Demandez-en un nouveau.', tone: 'warning', next: { href: '/connexion', label: 'Se connecter' } });
    }
    openSession(reply, viewer.id, secure);
    await recordSignIn(db, viewer.id);
    return reply.redirect('/', 303);
  });

  // With OpenID Connect, the provider's session ends too, or its next sign-in would not ask who is there.
  app.post('/deconnexion', async (req, reply) => {
    const idToken = oidc && sessionIdToken(req);
    closeSession(reply);
    const endSession = idToken ? await oidc.endSessionUrl(idToken) : undefined;
    return reply.redirect(endSession ?? '/connexion', 303);
  });

  if (!oidc) return;
  app.get<{ Querystring: { suite?: string } }>('/connexion/oidc', async (req, reply) => {
    const { url, pending } = await oidc.start();
    const value = JSON.stringify({ ...pending, next: safeNext(req.query.suite) });
    reply.setCookie(OIDC_COOKIE, value, { signed: true, httpOnly: true, sameSite: 'lax', secure, path: '/connexion', maxAge: 600 });
    return reply.redirect(url);
  });

  app.get('/connexion/retour', async (req, reply) => {
    const unsigned = req.unsignCookie(req.cookies[OIDC_COOKIE] ?? '');
    if (!unsigned.valid || !unsigned.value) {
      return page(reply.code(400), 'message', { title: 'Connexion expirée', text: 'Recommencez la connexion.', tone: 'warning', next: { href: '/connexion', label: 'Se connecter' } });
    }
    const pending = JSON.parse(unsigned.value) as OidcPending & { next: string };
    reply.clearCookie(OIDC_COOKIE, { path: '/connexion' });
    const identity = await oidc.finish(new URL(req.url, web.publicUrl), pending).catch((err: unknown) => {
      if (isRefusal(err)) return undefined;
      throw err;
    });
    if (!identity) {
      return page(reply.code(400), 'message', { title: 'Connexion refusée', text: 'Le fournisseur d’identité n’a pas confirmé votre connexion. Recommencez.', tone: 'warning', next: { href: '/connexion', label: 'Se connecter' } });
    }
    const found = await linkedUser(db, identity);
    if ('refusal' in found) return page(reply.code(403), 'message', { ...REFUSALS[found.refusal](identity.email), tone: 'warning' });
    openSession(reply, found.user.id, secure, identity.idToken);
    await recordSignIn(db, found.user.id);
    return reply.redirect(pending.next, 303);
  });
}
