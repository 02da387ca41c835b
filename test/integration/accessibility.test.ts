/**
 * The pages people use, checked in Chromium as RGAA asks (issue 16): axe-core inside each page with no serious or
 * critical violation, a skip link first, every table with a caption and header scopes, a table of values for each
 * chart, and field borders at 3:1 at least.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { accessibilityProblems as problems } from '../support/accessibility';
import { launchBrowser, signIn } from '../support/browser';
import { contractFacts } from '../support/contracts';
import { eventually } from '../support/eventually';
import { person, type Person } from '../support/people';
import { writePortfolio } from '../support/portfolio';
import { webEnv } from '../support/web-env';

let env: Awaited<ReturnType<typeof webEnv>>;
let browser: Browser;
let manager: Person;
let buyer: Person;
let contractId: string;

beforeAll(async () => {
  [env, browser] = await Promise.all([webEnv(), launchBrowser()]);
  buyer = await person(env.db, 'buyer', 'clermont');
  manager = await person(env.db, 'manager', 'clermont');
  const contract = contractFacts(Date.now(), 6, { buyer: { name: 'Camille Martin', email: buyer.email } });
  contractId = contract.id;
  await env.start(contract);
  await eventually('the programming task', () => env.db.task.findFirst({ where: { contractId, status: 'open' } }).then((t) => t ?? undefined));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await env?.teardown();
});

it('passes on the pages a buyer uses: sign-in, tasks, the answer form with its errors, the accessibility statement', async () => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${env.url}/connexion`);
  expect(await problems(page)).toEqual([]);
  await page.getByLabel('Jeton d’accès personnel').fill(buyer.token);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(`${env.url}/taches`);
  expect(await problems(page)).toEqual([]);

  // The skip link is the first stop of the keyboard, and takes it to the content.
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Aller au contenu');
  await page.keyboard.press('Enter');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('contenu');

  await page.locator('#taches a', { hasText: 'Répondre' }).first().click();
  await page.getByRole('button', { name: 'Envoyer la réponse' }).click();
  expect(await page.locator('[aria-invalid=true], fieldset[aria-describedby]').count()).toBeGreaterThan(0);
  expect(await problems(page)).toEqual([]);

  await page.goto(`${env.url}/accessibilite`);
  expect(await page.locator('#contact + p + ul').textContent()).toContain('commande-publique');
  expect(await problems(page)).toEqual([]);
  await page.context().close();
});

it('passes on the pages a manager uses: contracts, a contract, indicators with their charts, the CAD', async () => {
  const { policy } = await writePortfolio(env.db, 'clermont', { size: 30, seed: 5, years: [2025, 2026] });
  const owner = await person(env.db, 'manager', policy.collectivity.id);
  const page = await signIn(browser, env.url, manager.token);
  for (const path of ['/contrats', `/contrats/${encodeURIComponent(contractId)}`]) {
    await page.goto(`${env.url}${path}`);
    expect(await problems(page), path).toEqual([]);
  }
  await page.context().close();

  const reports = await signIn(browser, env.url, owner.token);
  await reports.goto(`${env.url}/indicateurs?annee=2026`);
  await reports.waitForFunction('window.chartsReady === true');
  expect(await reports.locator('canvas').count()).toBe(policy.indicators.length);
  expect(await problems(reports), '/indicateurs').toEqual([]);
  for (const path of ['/indicateurs/env-criterion/2026', '/cad/2026', '/bilan/2026']) {
    await reports.goto(`${env.url}${path}`);
    expect(await problems(reports), path).toEqual([]);
  }
  await reports.context().close();
});
