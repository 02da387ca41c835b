/** Who is asking: a bearer token (API, CLI) or the session cookie (pages); `req.viewer` stays unset otherwise. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../lib/db';
import type { Viewer } from '../access';
import { sessionUserId } from './session';
import { viewerOfToken, viewerOfUserId } from './tokens';

declare module 'fastify' {
  interface FastifyRequest {
    viewer?: Viewer;
  }
}

export function identifyViewers(app: FastifyInstance, db: Db): void {
  app.decorateRequest('viewer', undefined);
  app.addHook('onRequest', async (req) => {
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (bearer) req.viewer = await viewerOfToken(db, bearer.trim());
    else {
      const userId = sessionUserId(req);
      if (userId) req.viewer = await viewerOfUserId(db, userId);
    }
  });
}

/** For pages: the viewer, or a redirect to the sign-in page that comes back here. */
export function pageViewer(req: FastifyRequest, reply: FastifyReply): Viewer | undefined {
  if (req.viewer) return req.viewer;
  void reply.redirect(`/connexion?suite=${encodeURIComponent(req.url)}`);
  return undefined;
}

/** For the API: the viewer, or a 401 in French. */
export function apiViewer(req: FastifyRequest, reply: FastifyReply): Viewer | undefined {
  if (req.viewer) return req.viewer;
  void reply.code(401).send({ erreur: 'authentification requise : en-tête Authorization: Bearer <jeton>' });
  return undefined;
}
