/** The web session: a signed cookie holding the user id and an expiry; no server-side store to keep. */
import type { FastifyReply, FastifyRequest } from 'fastify';

const COOKIE = 'spaser_session';
/** The OpenID provider's ID token, sent back to it at sign-out; only the sign-out route receives it. */
const ID_TOKEN_COOKIE = 'spaser_id_token';
const ID_TOKEN_PATH = '/deconnexion';
const MAX_AGE_S = 8 * 3600; // a working day

export function openSession(reply: FastifyReply, userId: string, secure: boolean, idToken?: string): void {
  const value = `${userId}|${Date.now() + MAX_AGE_S * 1000}`;
  reply.setCookie(COOKIE, value, { signed: true, httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: MAX_AGE_S });
  if (idToken) reply.setCookie(ID_TOKEN_COOKIE, idToken, { signed: true, httpOnly: true, sameSite: 'lax', secure, path: ID_TOKEN_PATH, maxAge: MAX_AGE_S });
}

export function closeSession(reply: FastifyReply): void {
  reply.clearCookie(COOKIE, { path: '/' });
  reply.clearCookie(ID_TOKEN_COOKIE, { path: ID_TOKEN_PATH });
}

/** The session's user id, if the cookie is there, untampered and not expired. */
export function sessionUserId(req: FastifyRequest): string | undefined {
  const raw = req.cookies[COOKIE];
  if (!raw) return undefined;
  const unsigned = req.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return undefined;
  const [userId, expires] = unsigned.value.split('|');
  return userId && Number(expires) > Date.now() ? userId : undefined;
}

/** The ID token of an OpenID Connect session, if its cookie is there and untampered. */
export function sessionIdToken(req: FastifyRequest): string | undefined {
  const unsigned = req.unsignCookie(req.cookies[ID_TOKEN_COOKIE] ?? '');
  return unsigned.valid && unsigned.value ? unsigned.value : undefined;
}
