/** The contract list (issue 16): search, sorting and pagination instead of stopping silently at 1,000. */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { accessibilityProblems } from '../support/accessibility';
import { launchBrowser, signIn } from '../support/browser';
import { person, type Person } from '../support/people';
import { writePortfolio } from '../support/portfolio';
import { webEnv } from '../support/web-env';

let env: Awaited<ReturnType<typeof webEnv>>;
let browser: Browser;
let manager: Person;

beforeAll(async () => {
  [env, browser] = await Promise.all([webEnv({ worker: false }), launchBrowser()]);
  const { policy } = await writePortfolio(env.db, 'dijon', { size: 120, seed: 3, years: [2025, 2026] });
  manager = await person(env.db, 'manager', policy.collectivity.id);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await env?.teardown();
});

const objects = (page: import('playwright-core').Page) => page.locator('#contrats tbody tr td:nth-child(2)').allTextContents();

it('pages through every contract, sorts by a column, and finds one by its object', async () => {
  const page = await signIn(browser, env.url, manager.token);
  await page.goto(`${env.url}/contrats`);
  expect(await page.locator('.count').textContent()).toMatch(/^120 contrat\(s\)/);
  expect(await page.locator('#contrats tbody tr').count()).toBe(50);
  expect(await page.locator('#contrats caption').textContent()).toBe('Marchés, page 1 sur 3');
  expect(await accessibilityProblems(page)).toEqual([]);

  await page.getByRole('link', { name: 'Objet : trier par cette colonne' }).click();
  expect(await page.locator('th[aria-sort=ascending]').textContent()).toContain('Objet');
  const first = await objects(page);
  expect(first).toEqual([...first].sort((a, b) => a.localeCompare(b, 'en')));
  const seen = new Set(first);
  for (const n of [2, 3]) {
    await page.getByRole('link', { name: 'Page suivante' }).click();
    expect(await page.locator('nav.pages [aria-current=page]').textContent()).toBe(`Page ${n} sur 3`);
    for (const o of await objects(page)) seen.add(o);
  }
  expect(seen.size).toBe(120); // every contract once, none beyond the last page
  expect(await page.getByRole('link', { name: 'Page suivante' }).count()).toBe(0);

  await page.getByLabel('Rechercher (référence ou objet)').fill('GÉNÉRÉ N°11');
  await page.getByRole('button', { name: 'Filtrer' }).click();
  expect((await objects(page)).sort()).toEqual(['Marché généré n°11', 'Marché généré n°110', 'Marché généré n°111', 'Marché généré n°112', 'Marché généré n°113', 'Marché généré n°114', 'Marché généré n°115', 'Marché généré n°116', 'Marché généré n°117', 'Marché généré n°118', 'Marché généré n°119']);
  await page.context().close();
});
