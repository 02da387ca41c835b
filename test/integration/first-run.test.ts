/**
 * The first day (issue 16): at start every collectivity of policies/ exists before any contract, and a database
 * without an administrator gets a one-time link that makes the first one, in Chromium.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { knownCollectivities, POLICIES_DIR } from '../../activities/policy';
import type { Logger } from '../../lib/logger';
import { firstAdminLink } from '../../web/auth/first-admin';
import { firstRun } from '../../workers/first-run';
import { freshDatabase } from '../../prisma/fresh-database';
import { accessibilityProblems } from '../support/accessibility';
import { launchBrowser } from '../support/browser';
import { testConfig } from '../support/env';
import { webEnv } from '../support/web-env';

let env: Awaited<ReturnType<typeof webEnv>>;
let browser: Browser;
const said: string[] = [];

beforeAll(async () => {
  // A database of its own: "no administrator yet" is a state of the whole database, which other files change.
  const url = new URL(testConfig().databaseUrl);
  url.pathname = `${url.pathname}_first_run`;
  await freshDatabase(url.toString());
  [env, browser] = await Promise.all([webEnv({ worker: false, databaseUrl: url.toString() }), launchBrowser()]);
  await firstRun(env.config, { info: (line: string) => said.push(line) } as unknown as Logger);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await env?.teardown();
});

it('stores every collectivity of policies/ at start, before any contract', async () => {
  const stored = await env.db.collectivity.findMany({ select: { id: true } });
  expect(stored.map((c) => c.id).sort()).toEqual(await knownCollectivities(POLICIES_DIR));
  expect(await env.db.contract.count()).toBe(0);
  expect(said[0]).toMatch(/^collectivités chargées : Clermont Auvergne Métropole et Ville de Clermont-Ferrand \(politique 2026\.1\), Dijon/);
});

it('makes the first administrator through a one-time link, with errors tied to their fields', async () => {
  const line = said.find((l) => l.startsWith('Aucun administrateur'));
  const link = /(http\S+)$/.exec(line ?? '')?.[1];
  expect(link).toMatch(new RegExp(`^${env.url}/premier-administrateur\\?lien=`));

  const page = await (await browser.newContext()).newPage();
  await page.goto(link!);
  await page.getByRole('button', { name: 'Créer mon compte d’administrateur' }).click();
  const email = page.getByLabel('Adresse électronique');
  expect(await email.getAttribute('aria-invalid')).toBe('true');
  expect(await page.locator(`#${await email.getAttribute('aria-describedby')}`).textContent()).toBe('adresse électronique invalide');
  expect(await accessibilityProblems(page)).toEqual([]);

  await page.getByLabel('Nom').fill('Camille Martin');
  await email.fill('Camille.Martin@clermont.test');
  await page.getByLabel('Collectivité').selectOption('clermont');
  await page.getByRole('button', { name: 'Créer mon compte d’administrateur' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/premier-administrateur'));
  const admin = await env.db.user.findUniqueOrThrow({ where: { email: 'camille.martin@clermont.test' } });
  expect(admin).toMatchObject({ role: 'manager', admin: true, collectivityId: 'clermont' });
  expect(await env.db.adminAudit.count({ where: { collectivityId: 'clermont', action: 'admin.first', actor: 'camille.martin@clermont.test' } })).toBe(1);

  // The link served once; and with an administrator, no new link is made.
  await page.goto(link!);
  expect(await page.getByRole('alert').textContent()).toBe('Ce lien a déjà servi : il ne vaut qu’une fois.');
  expect(await firstAdminLink(env.db, env.url)).toBeUndefined();
  await page.context().close();
});
