/** Who is asking: a bearer token (API, CLI) or the session cookie (pages); `req.viewer()` is undefined otherwise. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../lib/db';
import type { Viewer } from '../access';
import { sessionUserId } from './session';
import { viewerOfToken, viewerOfUserId } from './tokens';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking, looked up at most once and only by the routes that need it (not for assets or links). */
    viewer(): Promise<Viewer | undefined>;
  }
}

export function identifyViewers(app: FastifyInstance, db: Db): void {
  app.decorateRequest('viewer', undefined as never);
  app.addHook('onRequest', async (req) => {
    let found: Promise<Viewer | undefined> | undefined;
    req.viewer = () => (found ??= lookUp(db, req));
  });
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(req: FastifyRequest): string | undefined {
  return /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
}

function lookUp(db: Db, req: FastifyRequest): Promise<Viewer | undefined> {
  const bearer = bearerToken(req);
  if (bearer) return viewerOfToken(db, bearer);
  const userId = sessionUserId(req);
  return userId ? viewerOfUserId(db, userId) : Promise.resolve(undefined);
}

/** For pages: the viewer, or a redirect to the sign-in page that comes back here. */
export async function pageViewer(req: FastifyRequest, reply: FastifyReply): Promise<Viewer | undefined> {
  const viewer = await req.viewer();
  if (!viewer) void reply.redirect(`/connexion?suite=${encodeURIComponent(req.url)}`);
  return viewer;
}

/** For the API: the viewer, or a 401 in French. */
export async function apiViewer(req: FastifyRequest, reply: FastifyReply): Promise<Viewer | undefined> {
  const viewer = await req.viewer();
  if (!viewer) void reply.code(401).send({ erreur: 'authentification requise : en-tête Authorization: Bearer <jeton>' });
  return viewer;
}
