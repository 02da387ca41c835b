/** The web application and HTTP API: pages for people, JSON for programs, the answer links of the mails. */
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Kafka } from 'kafkajs';
import type { EventProducer } from '../lib/kafka-producer';
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import type { Logger } from '../lib/logger';
import type { TaskLinks } from '../mail/links';
import { PdfPrinter } from '../reports/pdf';
import { accessLog } from './access-log';
import { assetRoutes } from './assets';
import { identifyViewers } from './auth/plugin';
import { page } from './render';
import { answerLinkRoutes } from './routes/answer-link';
import { adminRoutes } from './routes/admin';
import { apiRoutes } from './routes/api';
import { policyRoutes } from './routes/policy';
import { contractFormRoutes } from './routes/contract-forms';
import { firstAdminRoutes } from './routes/first-admin';
import { importRoutes } from './routes/imports';
import { partnerRoutes } from './routes/partner';
import { preferenceRoutes } from './routes/preferences';
import { loginRoutes } from './routes/login';
import { pageRoutes } from './routes/pages';
import { reportRoutes } from './routes/reports';
import { readinessProbes } from './readiness';

export interface WebDeps {
  producer: EventProducer;
  contractEventsTopic: string;
  db: Db;
  temporal: Client;
  links: TaskLinks;
  web: Config['web'];
  logger?: Logger;
  /** For the readiness probe; without it, Kafka is left out of readiness. */
  kafka?: Kafka;
  /** The PDF printer (one Chromium, a small pool, a queue); one of its own by default. */
  pdf?: PdfPrinter;
}

export function buildWebApp(deps: WebDeps): FastifyInstance {
  // Answer links carry a signed token (~350 characters) as a path parameter.
  const app = Fastify({ logger: false, bodyLimit: 1 << 20, routerOptions: { maxParamLength: 2048 } });
  // Keep the raw JSON body: an event goes to Kafka byte for byte; answers are parsed by their route.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  void app.register(cookie, { secret: deps.web.sessionSecret });
  void app.register(formbody);
  if (deps.logger) accessLog(app, deps.logger);
  assetRoutes(app);
  const readiness = readinessProbes(deps);
  app.addHook('onClose', () => readiness.close());
  app.get('/api/sante/pret', async (_req, reply) => {
    const state = await readiness.check();
    return reply.code(state.pret ? 200 : 503).send(state);
  });

  identifyViewers(app, deps.db);
  apiRoutes(app, deps);
  loginRoutes(app, deps.db, deps.web);
  firstAdminRoutes(app, deps.db, deps.web);
  pageRoutes(app, deps.db, deps.temporal);
  answerLinkRoutes(app, deps.db, deps.temporal, deps.links);
  const pdf = deps.pdf ?? new PdfPrinter();
  app.addHook('onClose', () => pdf.close());
  reportRoutes(app, deps.db, pdf);
  adminRoutes(app, deps.db);
  policyRoutes(app, deps.db);
  contractFormRoutes(app, deps.db, deps.producer, deps.contractEventsTopic);
  importRoutes(app, deps.db, deps.producer, deps.contractEventsTopic);
  partnerRoutes(app, deps.db);
  preferenceRoutes(app, deps.db);

  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) deps.logger?.error({ err, url: req.url }, 'request failed');
    if (req.url.startsWith('/api/')) return reply.code(status).send({ erreur: status < 500 ? err.message : 'erreur interne, réessayez plus tard' });
    return page(reply.code(status), 'message', { title: 'Erreur', text: status < 500 ? err.message : 'Une erreur est survenue. Réessayez dans un instant.', tone: 'warning' });
  });
  return app;
}
