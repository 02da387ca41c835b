import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';

/** Development only: production refuses to start with it (see below). */
const DEV_SECRET = 'dev-only-secret-never-use-in-production-0123456789';

/** Every setting the product reads, from the environment, validated once. */
const EnvSchema = z.object({
  DATABASE_URL: z.url().default('postgresql://spaser:spaser@127.0.0.1:15432/spaser'),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('spaser'),
  TEMPORAL_UI_PORT: z.coerce.number().int().positive().default(8233),
  // Which Temporal the development stack runs: the CLI's dev server (SQLite), or two server nodes on PostgreSQL.
  // Unset: the one the stack last started (dev the first time).
  TEMPORAL_ENGINE: z.enum(['dev', 'cluster']).optional(),
  // The cluster's own PostgreSQL role (stack only); the stack's server trusts local connections.
  TEMPORAL_DB_PASSWORD: z.string().default('temporal'),
  /** Temporal Cloud with an API key (TLS on). */
  TEMPORAL_API_KEY: z.string().optional(),
  /** mTLS to a self-hosted cluster or Temporal Cloud: client certificate and key files (PEM). */
  TEMPORAL_TLS_CERT: z.string().optional(),
  TEMPORAL_TLS_KEY: z.string().optional(),
  /** Workflows kept in the worker's sticky cache; bounds its memory (about 1.7 MiB each: its own copy of the modules). */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().nonnegative().default(250),
  /** A workflow bundle built ahead (bundleWorkflowCode): the worker starts in a second instead of bundling. */
  WORKFLOW_BUNDLE_PATH: z.string().optional(),
  KAFKA_BROKERS: z.string().default('127.0.0.1:9092'),
  KAFKA_CLIENT_ID: z.string().default('spaser'),
  KAFKA_CONTROLLER_PORT: z.coerce.number().int().positive().default(9093),
  KAFKA_TOPIC_PREFIX: z.string().default('spaser.'),
  /** Partitions and replicas of the topics the product creates (a cluster wants 3 replicas). */
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().positive().default(3),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().positive().default(1),
  KAFKA_SSL: z.stringbool().default(false),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
  SMTP_HOST: z.string().default('127.0.0.1'),
  SMTP_PORT: z.coerce.number().int().positive().default(1025),
  SMTP_SECURE: z.stringbool().default(false),
  SMTP_USER: z.string().optional(),
  SMTP_PASSWORD: z.string().optional(),
  MAIL_FROM: z.string().default('SPASER <spaser@localhost>'),
  MAIL_API_URL: z.url().default('http://127.0.0.1:8025'),
  WEB_PORT: z.coerce.number().int().positive().default(3000),
  /** 0.0.0.0 in a container; loopback otherwise. */
  WEB_HOST: z.string().default('127.0.0.1'),
  /** Where people reach the web app: the base of the links in the mails. */
  PUBLIC_URL: z.url().default('http://127.0.0.1:3000'),
  /** Signs the answer links in the mails (HMAC); rotate it to revoke every link. */
  LINK_SECRET: z.string().min(32, '32 caractères au moins').default(DEV_SECRET),
  LINK_TTL_DAYS: z.coerce.number().int().positive().default(30),
  /** Signs the web session cookie. */
  SESSION_SECRET: z.string().min(32, '32 caractères au moins').default(DEV_SECRET),
  /** A send attempt renews its claim on a mail while alive; a dead one loses it after this many seconds. */
  MAIL_LEASE_SECONDS: z.coerce.number().positive().default(30),
  /** `local`: personal tokens (demo); `oidc`: ProConnect, Keycloak or any OpenID Connect provider. */
  AUTH_MODE: z.enum(['local', 'oidc']).default('local'),
  OIDC_ISSUER: z.url().optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  NODE_ENV: z.string().default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  STACK_DIR: z.string().default('.stack'),
  SPASER_CACHE_DIR: z.string().default(resolve(homedir(), '.cache', 'spaser')),
})
  .superRefine((e, ctx) => {
    if (e.NODE_ENV !== 'production') return;
    for (const key of ['LINK_SECRET', 'SESSION_SECRET'] as const) {
      if (e[key] === DEV_SECRET) ctx.addIssue({ code: 'custom', path: [key], message: 'secret requis en production' });
    }
  })
  .superRefine((e, ctx) => {
    if (!e.TEMPORAL_TLS_CERT !== !e.TEMPORAL_TLS_KEY) ctx.addIssue({ code: 'custom', path: ['TEMPORAL_TLS_KEY'], message: 'TEMPORAL_TLS_CERT et TEMPORAL_TLS_KEY vont ensemble' });
  })
  .superRefine((e, ctx) => {
    if (e.AUTH_MODE !== 'oidc') return;
    for (const key of ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const) {
      if (!e[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'requis quand AUTH_MODE=oidc' });
    }
  });

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  databaseUrl: string;
  temporal: { address: string; namespace: string; taskQueue: string; uiPort: number; maxCachedWorkflows: number; workflowBundlePath?: string;
    engine?: 'dev' | 'cluster'; dbPassword: string;
    apiKey?: string; clientCert?: { certPath: string; keyPath: string };
  };
  kafka: {
    brokers: string[]; clientId: string; controllerPort: number; topicPrefix: string; topicPartitions: number; replicationFactor: number;
    ssl: boolean; sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  };
  smtp: { host: string; port: number; secure: boolean; auth?: { user: string; pass: string }; from: string };
  mailApiUrl: string;
  mail: { leaseMs: number };
  webPort: number;
  webHost: string;
  web: {
    publicUrl: string;
    linkSecret: string;
    linkTtlDays: number;
    sessionSecret: string;
    auth: { mode: 'local' } | { mode: 'oidc'; issuer: string; clientId: string; clientSecret: string };
  };
  logLevel: Env['LOG_LEVEL'];
  stackDir: string;
  cacheDir: string;
}

/** Parses the environment; throws one readable error listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Configuration invalide : ${problems}`);
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    temporal: {
      address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, taskQueue: e.TEMPORAL_TASK_QUEUE, uiPort: e.TEMPORAL_UI_PORT,
      engine: e.TEMPORAL_ENGINE, dbPassword: e.TEMPORAL_DB_PASSWORD,
      maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS, workflowBundlePath: e.WORKFLOW_BUNDLE_PATH,
      apiKey: e.TEMPORAL_API_KEY,
      clientCert: e.TEMPORAL_TLS_CERT && e.TEMPORAL_TLS_KEY ? { certPath: e.TEMPORAL_TLS_CERT, keyPath: e.TEMPORAL_TLS_KEY } : undefined,
    },
    kafka: {
      brokers: e.KAFKA_BROKERS.split(',').map((b) => b.trim()).filter(Boolean),
      clientId: e.KAFKA_CLIENT_ID,
      controllerPort: e.KAFKA_CONTROLLER_PORT,
      topicPrefix: e.KAFKA_TOPIC_PREFIX,
      topicPartitions: e.KAFKA_TOPIC_PARTITIONS,
      replicationFactor: e.KAFKA_REPLICATION_FACTOR,
      ssl: e.KAFKA_SSL,
      sasl: e.KAFKA_SASL_MECHANISM ? { mechanism: e.KAFKA_SASL_MECHANISM, username: e.KAFKA_SASL_USERNAME ?? '', password: e.KAFKA_SASL_PASSWORD ?? '' } : undefined,
    },
    smtp: {
      host: e.SMTP_HOST,
      port: e.SMTP_PORT,
      secure: e.SMTP_SECURE,
      auth: e.SMTP_USER ? { user: e.SMTP_USER, pass: e.SMTP_PASSWORD ?? '' } : undefined,
      from: e.MAIL_FROM,
    },
    mailApiUrl: e.MAIL_API_URL,
    mail: { leaseMs: e.MAIL_LEASE_SECONDS * 1000 },
    webPort: e.WEB_PORT,
    webHost: e.WEB_HOST,
    web: {
      publicUrl: e.PUBLIC_URL.replace(/\/$/, ''),
      linkSecret: e.LINK_SECRET,
      linkTtlDays: e.LINK_TTL_DAYS,
      sessionSecret: e.SESSION_SECRET,
      auth:
        e.AUTH_MODE === 'oidc'
          ? { mode: 'oidc', issuer: e.OIDC_ISSUER!, clientId: e.OIDC_CLIENT_ID!, clientSecret: e.OIDC_CLIENT_SECRET! }
          : { mode: 'local' },
    },
    logLevel: e.LOG_LEVEL,
    stackDir: resolve(e.STACK_DIR),
    cacheDir: resolve(e.SPASER_CACHE_DIR),
  };
}
