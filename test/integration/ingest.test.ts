import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createKafka, ensureTopics, topics } from '../../lib/kafka';
import { createLogger } from '../../lib/logger';
import { createWebApp } from '../../workers/web';
import { testConfig, uniqueId } from '../support/env';
import { readTopic } from '../support/topic-reader';

const base = testConfig();
const config = { ...base, kafka: { ...base.kafka, topicPrefix: `${uniqueId('ingest')}.` } };
const topic = topics(config.kafka.topicPrefix).contractEvents;
const logger = createLogger('test', 'silent');
const kafka = createKafka(config.kafka, logger);
let web: Awaited<ReturnType<typeof createWebApp>>;

const example = (contractId: string, patch: Record<string, unknown> = {}) => ({
  ...JSON.parse(readFileSync(new URL('../../schemas/examples/contract.amended.v1.json', import.meta.url), 'utf8')),
  eventId: uniqueId('evt'),
  contractId,
  ...patch,
});

beforeAll(async () => {
  await ensureTopics(kafka, [topic]);
  web = await createWebApp(config, logger);
});
afterAll(async () => web?.stop());

it('accepts a valid event over HTTP and produces it, keyed by contract', async () => {
  const event = example('HTTP-1');
  const res = await web.app.inject({ method: 'POST', url: '/api/evenements', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(event) });
  expect(res.statusCode).toBe(202);
  expect(res.json()).toEqual({ accepte: true, eventId: event.eventId, contractId: 'HTTP-1' });
  const [message] = await readTopic(kafka, topic, (m) => m.key === 'HTTP-1', 1);
  expect(JSON.parse(message!.value)).toEqual(event);
});

it('answers 400 naming the field, and produces nothing', async () => {
  const res = await web.app.inject({
    method: 'POST', url: '/api/evenements', headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(example('HTTP-2', { payload: { endDate: '31/12/2030' } })),
  });
  expect(res.statusCode).toBe(400);
  expect(res.json().erreur).toMatch(/^contenu invalide pour contract.amended : endDate/);
  expect(await readTopic(kafka, topic, (m) => m.key === 'HTTP-2', 0, 1500)).toEqual([]);
});

const cli = (file: string) =>
  promisify(execFile)('npx', ['tsx', 'workers/cli.ts', 'envoyer-evenement', file], {
    env: { ...process.env, KAFKA_TOPIC_PREFIX: config.kafka.topicPrefix, KAFKA_BROKERS: config.kafka.brokers.join(',') },
  });

it('publishes a file from the command line, and refuses a bad one with the reason in French', async () => {
  const good = join(tmpdir(), `${uniqueId('event')}.json`);
  writeFileSync(good, JSON.stringify(example('CLI-1')));
  const { stdout } = await cli(good);
  expect(stdout).toMatch(/✓ événement .* publié pour le contrat CLI-1/);
  await readTopic(kafka, topic, (m) => m.key === 'CLI-1', 1);

  const bad = join(tmpdir(), `${uniqueId('event')}.json`);
  writeFileSync(bad, JSON.stringify(example('CLI-2', { type: 'contract.vanished' })));
  await expect(cli(bad)).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('✗ événement refusé : type d’événement inconnu : contract.vanished') });
});
