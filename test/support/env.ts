import { loadConfig, type Config } from '../../lib/config';

/** The product's config, pointed at test-only places: a `_test` database, a test namespace, a topic prefix. */
export function testConfig(): Config {
  const config = loadConfig();
  const url = new URL(config.databaseUrl);
  url.pathname = `/${url.pathname.slice(1)}_test`;
  return {
    ...config,
    databaseUrl: url.toString(),
    temporal: { ...config.temporal, namespace: 'spaser-test' },
    kafka: { ...config.kafka, topicPrefix: `test.${process.env.VITEST_RUN_ID ?? 'run'}.` },
    logLevel: 'warn',
  };
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
