import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDb, type Db } from '../../lib/db';
import { createKafka, ensureTopics, topics } from '../../lib/kafka';
import { createLogger } from '../../lib/logger';
import { createWebApp } from '../../workers/web';
import { testConfig, uniqueId } from '../support/env';
import { readTopic } from '../support/topic-reader';
import { person } from '../support/people';
import { createSystemToken, revokeSystemToken } from '../../web/auth/system-tokens';

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

let db: Db;
let tokens: { clermont: string; dijon: string; person: string };

beforeAll(async () => {
  await ensureTopics(kafka, [topic]);
  web = await createWebApp(config, logger);
  db = createDb(config.databaseUrl);
  const buyer = await person(db, 'buyer', 'dijon');
  tokens = {
    clermont: (await createSystemToken(db, 'clermont', 'profil acheteur de Clermont')).token,
    dijon: (await createSystemToken(db, 'dijon', 'profil acheteur de Dijon')).token,
    person: buyer.token,
  };
});
afterAll(async () => {
  await web?.stop();
  await db?.$disconnect();
});

const post = (event: object, token?: string) => web.app.inject({
  method: 'POST', url: '/api/evenements', payload: JSON.stringify(event),
  headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
});

/** What reached the topic for this contract: a valid event is posted last, and its partition keeps the order. */
async function producedFor(contractId: string): Promise<unknown[]> {
  const fence = example(contractId);
  expect((await post(fence, tokens.dijon)).statusCode).toBe(202);
  const messages: { value: string }[] = [];
  for (let n = 1; !messages.some((m) => JSON.parse(m.value).eventId === fence.eventId); n++) {
    messages.splice(0, messages.length, ...(await readTopic(kafka, topic, (m) => m.key === contractId, n)));
  }
  return messages.map((m) => JSON.parse(m.value)).filter((e) => e.eventId !== fence.eventId);
}

it('accepts a valid event over HTTP with its collectivity’s system token and produces it, keyed by contract', async () => {
  const event = example('HTTP-1');
  const res = await post(event, tokens.dijon);
  expect(res.statusCode).toBe(202);
  expect(res.json()).toEqual({ accepte: true, eventId: event.eventId, contractId: 'HTTP-1' });
  const [message] = await readTopic(kafka, topic, (m) => m.key === 'HTTP-1', 1);
  expect(JSON.parse(message!.value)).toEqual(event);
});

it('answers 401 without a valid system token and 403 for another collectivity, naming both, and produces nothing', async () => {
  const id = uniqueId('HTTP-AUTH');
  for (const token of [undefined, 'spaser_sys_forged', tokens.person]) {
    const res = await post(example(id), token);
    expect(res.statusCode).toBe(401);
    expect(res.json().erreur).toMatch(/^jeton système requis/);
  }
  const cross = await post(example(id), tokens.clermont); // the example is Dijon's
  expect(cross.statusCode).toBe(403);
  expect(cross.json().erreur).toBe('l’événement est pour la collectivité « dijon », le jeton est celui de « clermont »');
  const revoked = await createSystemToken(db, 'dijon', 'révoqué');
  await revokeSystemToken(db, revoked.id);
  expect((await post(example(id), revoked.token)).statusCode).toBe(401);
  expect(await producedFor(id)).toEqual([]);
});

it('answers 400 naming the field, and produces nothing', async () => {
  const id = uniqueId('HTTP-BAD');
  const res = await post(example(id, { payload: { endDate: '31/12/2030' } }), tokens.dijon);
  expect(res.statusCode).toBe(400);
  expect(res.json().erreur).toMatch(/^contenu invalide pour contract.amended : endDate/);
  expect(await producedFor(id)).toEqual([]);
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

const admin = (...args: string[]) =>
  promisify(execFile)('npx', ['tsx', 'workers/cli.ts', 'jeton-systeme', ...args], { env: { ...process.env, DATABASE_URL: config.databaseUrl } });

it('creates and revokes a system token from the command line, for a collectivity that has a policy', async () => {
  const { stdout } = await admin('creer', '--collectivite', 'dijon', '--libelle', 'Profil acheteur');
  const [, id, token] = /jeton système (\S+) créé pour dijon[\s\S]*: (spaser_sys_\S+)/.exec(stdout) ?? [];
  const event = example(uniqueId('HTTP-CLI'));
  expect((await post(event, token)).statusCode).toBe(202);
  expect((await admin('revoquer', id!)).stdout).toContain(`✓ jeton système ${id} révoqué`);
  expect((await post(event, token)).statusCode).toBe(401);
  await expect(admin('creer', '--collectivite', 'atlantis', '--libelle', 'x')).rejects.toMatchObject({
    stderr: expect.stringContaining('✗ collectivité inconnue : atlantis (connues : clermont, dijon)'),
  });
});
