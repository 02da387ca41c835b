/**
 * One access-log line per request through the product's pino logger: method, path, status, duration. Secrets in
 * paths and queries (answer-link and sign-in tokens, OIDC codes) are masked; health probes log at debug only.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../lib/logger';

const SECRET_PARAMS = new Set(['token', 'jeton', 'code', 'state', 'id_token']);
// A path segment this long is a token (answer links carry ~350 characters), never a word of a route.
const LONG_SEGMENT = /\/[A-Za-z0-9_.~-]{32,}(?=\/|$)/g;

/** The URL as it may be written to a log. */
export function maskedUrl(url: string): string {
  const [path = '', query] = url.split('?', 2);
  const masked = path.replace(LONG_SEGMENT, '/…');
  if (query === undefined) return masked;
  const params = new URLSearchParams(query);
  for (const key of [...params.keys()]) if (SECRET_PARAMS.has(key.toLowerCase())) params.set(key, '…');
  return `${masked}?${params.toString()}`;
}

export function accessLog(app: FastifyInstance, logger: Logger): void {
  const log = logger.child({ component: 'http' });
  app.addHook('onResponse', async (req, reply) => {
    const line = { method: req.method, url: maskedUrl(req.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10, ip: req.ip };
    if (req.url.startsWith('/api/sante')) log.debug(line, 'requête');
    else log.info(line, 'requête');
  });
}
