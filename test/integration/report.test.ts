/** The managers' report in headless Chromium: charts drawn, figures shown, drill-down, PDF, CSV and DECP downloads. */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { figures } from '../../reports/figures';
import { launchBrowser, signIn } from '../support/browser';
import { person, type Person } from '../support/people';
import { writePortfolio } from '../support/portfolio';
import { webEnv } from '../support/web-env';

let env: Awaited<ReturnType<typeof webEnv>>;
let browser: Browser;
let manager: Person;
let portfolio: Awaited<ReturnType<typeof writePortfolio>>;

beforeAll(async () => {
  [env, browser] = await Promise.all([webEnv({ worker: false }), launchBrowser()]);
  portfolio = await writePortfolio(env.db, 'clermont', { size: 150, seed: 23, years: [2023, 2024, 2025], siret: '24630040200010' });
  manager = await person(env.db, 'manager', portfolio.policy.collectivity.id);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await env?.teardown();
});

it('shows every indicator with its chart and the figures computed in SQL, and drills down to the contracts', async () => {
  const page = await signIn(browser, env.url, manager.token);
  await page.goto(`${env.url}/indicateurs?annee=2025`);
  await page.waitForFunction('window.chartsReady === true');
  const { policy } = portfolio;
  expect(await page.locator('section.indicator canvas').count()).toBe(policy.indicators.length);
  // Chart.js drew into every canvas.
  expect(await page.evaluate('[...document.querySelectorAll("canvas")].every((c) => Chart.getChart(c) !== undefined)')).toBe(true);

  const [envCriterion] = await figures(env.db, { collectivityId: policy.collectivity.id, indicators: ['env-criterion'], fromYear: 2025, toYear: 2025 });
  const cells = await page.locator('#synthese tr[data-indicator="env-criterion"] td').allTextContents();
  expect(cells[3]).toBe(`${(Math.round(envCriterion!.value! * 1000) / 10).toLocaleString('fr-FR')} %`);
  expect(await page.locator('#synthese tr[data-indicator="env-criterion"]').textContent()).toMatch(/70 % en 2026 · (atteint|il manque)/);

  await page.locator('#env-criterion').getByRole('link', { name: 'Voir les contrats' }).click();
  expect(await page.locator('#contrats-comptes tbody tr').count()).toBe(envCriterion!.denominator);
  expect(await page.locator('.count').textContent()).toContain(`${envCriterion!.numerator} contrat(s) compté(s) sur ${envCriterion!.denominator}`);
  await page.context().close();
});

it('prints the yearly report as a PDF and exports CSV and DECP open data', async () => {
  const page = await signIn(browser, env.url, manager.token);
  const pdf = await page.request.get(`${env.url}/bilan/2025/pdf`);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  const bytes = await pdf.body();
  expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
  expect(bytes.length).toBeGreaterThan(20_000);

  await page.goto(`${env.url}/bilan/2025`);
  await page.waitForFunction('window.chartsReady === true');
  expect(await page.locator('h1').textContent()).toBe('Bilan annuel 2025 du SPASER');

  const csv = await (await page.request.get(`${env.url}/indicateurs.csv?annee=2025`)).text();
  expect(csv).toContain('indicateur;libellé;année;numérateur;dénominateur;valeur;objectifs');
  expect(csv.split('\n').filter((l) => l.startsWith('env-criterion;'))).toHaveLength(3);

  const decp = await (await page.request.get(`${env.url}/decp/2025.json`)).json();
  const schema = JSON.parse(readFileSync(new URL('../../schemas/decp/schema_decp_v2.0.3.json', import.meta.url), 'utf8'));
  expect(new Ajv({ strict: false }).validate(schema, decp)).toBe(true);
  expect(decp.marches.marche.length).toBe(portfolio.contracts.filter((c) => c.award && c.notifiedYear === 2025).length);
  await page.context().close();
});

it('keeps the figures to managers', async () => {
  const buyer = await person(env.db, 'buyer', portfolio.policy.collectivity.id);
  const res = await env.app.inject({ method: 'GET', url: '/api/indicateurs?annee=2025', headers: { authorization: `Bearer ${buyer.token}` } });
  expect(res.statusCode).toBe(403);
  const ok = await env.app.inject({ method: 'GET', url: '/api/indicateurs?annee=2025', headers: { authorization: `Bearer ${manager.token}` } });
  expect(ok.json().sections.map((s: { indicator: string }) => s.indicator)).toEqual(portfolio.policy.indicators);
});
