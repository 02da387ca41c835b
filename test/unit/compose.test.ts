/**
 * docker-compose.yml, checked without a Docker engine (issue 19): against the Compose specification's own JSON
 * schema (compose-spec/compose-spec, schema/compose-spec.json at commit 170098b, June 2026, copied as is into
 * test/support/fixtures), and against the rules its header states.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { appPath } from '../../lib/paths';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
}

const text = readFileSync(appPath('docker-compose.yml'), 'utf8');
const compose = parse(text, { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const services = Object.entries(compose.services);
const oneShots = new Set(services.filter(([, s]) => s.command && !s.restart && !s.healthcheck && (s.build || s.image?.startsWith('busybox'))).map(([name]) => name));

it('follows the Compose specification', () => {
  // Draft-07, which is Ajv's default; its `$schema` spells the draft's address with https, which Ajv does not know.
  const { $schema: _draft, ...schema } = JSON.parse(readFileSync(appPath('test/support/fixtures/compose-spec.json'), 'utf8')) as Record<string, unknown>;
  const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
  expect(validate(parse(text)), JSON.stringify(validate.errors, null, 2)).toBe(true);
});

it('gives every long-running service a healthcheck, and waits for health or completion, never a mere start', () => {
  expect([...oneShots].sort()).toEqual(['migrate', 'temporal-data']);
  for (const [name, s] of services) {
    if (!oneShots.has(name) && !['worker', 'consumer', 'relay'].includes(name)) expect(s.healthcheck, name).toBeDefined();
    for (const [on, { condition }] of Object.entries(s.depends_on ?? {})) {
      expect(condition, `${name} → ${on}`).toBe(oneShots.has(on) ? 'service_completed_successfully' : 'service_healthy');
    }
  }
  for (const name of ['worker', 'consumer', 'relay', 'web']) expect(compose.services[name]!.depends_on?.migrate?.condition).toBe('service_completed_successfully');
});

it('keeps each service’s data in a named volume, where that service writes it', () => {
  const mountOf = (name: string) => compose.services[name]!.volumes?.[0]?.split(':');
  expect(mountOf('postgres')).toEqual(['postgres-data', '/var/lib/postgresql/data']);
  expect(mountOf('kafka')).toEqual(['kafka-data', compose.services.kafka!.environment!.KAFKA_LOG_DIRS]);
  const temporal = compose.services.temporal!;
  expect(mountOf('temporal')?.[0]).toBe('temporal-data');
  expect(temporal.command).toMatch(new RegExp(`--db-filename ${mountOf('temporal')?.[1]}/`));
  // The image runs as uid 1000: the volume is handed over to it first.
  expect(compose.services['temporal-data']).toMatchObject({ command: ['chown', '-R', '1000:1000', mountOf('temporal')?.[1]], volumes: ['temporal-data:/data'] });
  expect(Object.keys(compose.volumes).sort()).toEqual(['kafka-data', 'postgres-data', 'temporal-data']);
});

it('runs the compiled processes with plain node, and builds no secret in', () => {
  for (const name of ['migrate', 'worker', 'consumer', 'relay', 'web']) expect(compose.services[name]!.command?.slice(0, 2)).toEqual(['node', `dist/${name}.js`]);
  expect(compose.services.web!.environment!.LINK_SECRET).toMatch(/^\$\{LINK_SECRET:\?/);
  expect(compose.services.web!.environment!.SESSION_SECRET).toMatch(/^\$\{SESSION_SECRET:\?/);
});
