/**
 * `npm run demo` (issue 16): both collectivities' portfolios through the product's doors (Kafka events, answer
 * signals), contracts in every phase with open and answered questions, a partner invited to a kickoff,
 * two past years of figures; run twice, nothing doubles; its sign-in links work once. A database of its own: the demo
 * stores a policy version (its demo SIRET) that every later cycle of these collectivities would pin.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { POLICIES_DIR } from '../../activities/policy';
import { createKafka, producerOptions, topics } from '../../lib/kafka';
import { createLogger } from '../../lib/logger';
import { loadDemo } from '../../load/demo';
import { freshDatabase } from '../../prisma/fresh-database';
import { createConsumerApp } from '../../workers/consumer';
import { launchBrowser } from '../support/browser';
import { testConfig, uniqueId } from '../support/env';
import { webEnv } from '../support/web-env';

let env: Awaited<ReturnType<typeof webEnv>>;
let consumer: Awaited<ReturnType<typeof createConsumerApp>>;
let browser: Browser;
const prefix = uniqueId('DEMO').toUpperCase();

beforeAll(async () => {
  const url = new URL(testConfig().databaseUrl);
  url.pathname = `${url.pathname}_demo`;
  await freshDatabase(url.toString());
  [env, browser] = await Promise.all([webEnv({ databaseUrl: url.toString(), topicPrefix: `${uniqueId('demo')}.` }), launchBrowser()]);
  consumer = await createConsumerApp(env.config, createLogger('test', 'silent'), { taskQueue: env.taskQueue, groupId: uniqueId('group') });
  void consumer.start();
}, 120_000);

afterAll(async () => {
  await consumer?.stop();
  await browser?.close();
  await env?.teardown();
});

async function load() {
  const producer = createKafka(env.config.kafka, createLogger('test', 'silent')).producer(producerOptions);
  await producer.connect();
  try {
    return await loadDemo({
      db: env.db, temporal: env.temporal, producer, contractEventsTopic: topics(env.config.kafka.topicPrefix).contractEvents,
      publicUrl: env.url, policiesDir: POLICIES_DIR, say: () => undefined, prefix,
    });
  } finally {
    await producer.disconnect();
  }
}

const counts = async () => ({
  contracts: await env.db.contract.count(), tasks: await env.db.task.count(), mails: await env.db.notification.count(),
  indicators: await env.db.indicatorEvent.count(), users: await env.db.user.count(),
});

it('loads contracts in every phase through the product’s doors, then adds nothing the second time', async () => {
  const first = await load();
  expect(first.registered).toBe(14);
  const phases = new Set((await env.db.contract.findMany({ select: { phase: true } })).map((c) => c.phase));
  expect([...phases].sort()).toEqual(expect.arrayContaining(['closure', 'consultation', 'execution', 'kickoff', 'programming']));
  expect(await env.db.task.count({ where: { status: 'open' } })).toBeGreaterThan(10);
  expect(await env.db.task.count({ where: { status: 'answered' } })).toBeGreaterThan(20);
  expect(await env.db.notification.count({ where: { kind: 'partner-kickoff' } })).toBeGreaterThanOrEqual(2);
  for (const year of [2024, 2025]) expect(await env.db.indicatorEvent.count({ where: { year } }), String(year)).toBeGreaterThan(0);
  // The demo SIRET makes the DECP export possible.
  const decp = await env.db.contract.findFirstOrThrow({ where: { id: `${prefix}-CLERMONT-01` } });
  expect(decp.policyVersion).toBe('2026.1-demo');

  const before = await counts();
  const second = await load();
  expect(second.registered).toBe(0);
  expect(await counts()).toEqual(before);

  // Links for a buyer, a manager and a partner of each collectivity; each works once.
  expect(second.links.map((l) => `${l.collectivity.split(' ')[0]}:${l.role}`).sort()).toEqual(
    ['Clermont:buyer', 'Clermont:manager', 'Clermont:partner', 'Dijon:buyer', 'Dijon:manager', 'Dijon:partner']);
  const buyerLink = second.links.find((l) => l.role === 'buyer' && l.collectivity.startsWith('Clermont'))!.url;
  const page = await (await browser.newContext()).newPage();
  await page.goto(buyerLink);
  expect(new URL(page.url()).pathname).toBe('/taches');
  expect(await page.locator('#taches tbody tr').count()).toBeGreaterThan(0);
  await page.context().close();
  const again = await (await browser.newContext()).newPage();
  expect((await again.goto(buyerLink))?.status()).toBe(403);
  await again.context().close();
}, 600_000);
