/**
 * Clermont's Comité annuel des achats durables (003 action 1): the CAO president's targeting decides the "contrats
 * ciblés" denominators, and the CAD of year n sees the review of the actions decided in year n-1. Decisions and
 * awards are written through the real record activity with the real indicator rules; the page is read in Chromium.
 */
import axe from 'axe-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRecordActivities } from '../../activities/records';
import type { Answers, AwardAnswer } from '../../domain/answers';
import type { ContractFacts } from '../../domain/contract';
import { awardIndicators } from '../../domain/indicators';
import type { Decisions } from '../../domain/rules';
import type { Transition } from '../../domain/records';
import { figures } from '../../reports/figures';
import { launchBrowser, signIn } from '../support/browser';
import { answers } from '../support/contracts';
import { person, type Person } from '../support/people';
import { writePortfolio } from '../support/portfolio';
import { webEnv } from '../support/web-env';

let env: Awaited<ReturnType<typeof webEnv>>;
let browser: Browser;
let manager: Person;
let collectivityId: string;

type Cad = Answers['cad-review'];
const CONTRACTS: { n: number; cad: Cad; buyerTargets: boolean; award: Partial<AwardAnswer> | null }[] = [
  // Targeted for both goals by the CAD; circular economy reached, awarded to a large company.
  { n: 1, cad: { sustainablePotential: 4, actionsRetained: ['Clause de réemploi'], targetedFor: ['circular-economy', 'sme-access'] }, buyerTargets: false, award: { circularEconomy: true, supplier: { ...(answers.award(Date.UTC(2026, 2, 1), 24) as AwardAnswer).supplier, size: 'GE' } } },
  // The buyer said "targeted", the CAD did not: out of the denominators.
  { n: 2, cad: { sustainablePotential: 2, actionsRetained: [], targetedFor: [] }, buyerTargets: true, award: { circularEconomy: true } },
  // Targeted for SME access, not yet awarded.
  { n: 3, cad: { sustainablePotential: 3, actionsRetained: ['Allotissement fin'], targetedFor: ['sme-access'] }, buyerTargets: false, award: null },
];

beforeAll(async () => {
  [env, browser] = await Promise.all([webEnv({ worker: false }), launchBrowser()]);
  const { policy } = await writePortfolio(env.db, 'clermont', { size: 0, seed: 1, years: [2026] });
  collectivityId = policy.collectivity.id;
  manager = await person(env.db, 'manager', collectivityId);
  const { recordTransition } = createRecordActivities({ db: env.db, outboxTopics: { indicatorEvents: 't.indicators', taskEvents: 't.tasks' } });
  for (const c of CONTRACTS) {
    const facts: ContractFacts = {
      id: `${collectivityId}-cad-${c.n}`, collectivityId, object: `Marché récurrent n°${c.n}`, nature: 'services', cpv: '90910000',
      estimatedAmountHT: 300_000, procedure: 'appel-offres', lots: 0, durationMonths: 24, plannedAwardDate: '2026-03-01', recurring: true,
      buyingService: 'Bâtiments', buyer: { name: 'Acheteur', email: `acheteur@${collectivityId}.test` },
    };
    const decisions: Decisions = {
      'programming-questionnaire': { ...answers.programming, circularEconomyTargeted: c.buyerTargets, smeAccessTargeted: c.buyerTargets },
      'cad-review': c.cad,
    };
    const base = { contractId: facts.id, collectivityId, policyVersion: policy.version, workflowId: `contract-${facts.id}`, buyingService: facts.buyingService, audit: [], notifications: [] };
    const cad: Transition = {
      ...base, indicators: [],
      contract: { facts, cycle: 1, phase: 'consultation', status: 'active' },
      tasks: [{
        id: `${facts.id}:1:cad-review`, kind: 'cad-review', phase: 'consultation', title: 'Cotation', why: 'CAD', source: '003 action 1',
        assigneeEmail: manager.email, dueAt: '2025-03-01T00:00:00.000Z', status: 'answered', answer: c.cad, answeredBy: manager.email,
        answeredAt: '2025-03-10T09:00:00.000Z', reminders: 0,
      }],
    };
    await recordTransition(cad);
    if (!c.award) continue;
    const award = { ...answers.award(Date.UTC(2026, 2, 1), 24), ...c.award } as AwardAnswer;
    const events = awardIndicators(facts, decisions, award, policy);
    await recordTransition({ ...base, tasks: [], indicators: events.map((e, i) => ({ ...e, id: `${facts.id}:${i}:indicator:${e.indicator}`, occurredAt: '2026-03-01T00:00:00.000Z' })) });
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await env?.teardown();
});

it('counts among the "contrats ciblés" the contracts the CAD targeted, not those the buyer said', async () => {
  const [circular, sme] = await figures(env.db, { collectivityId, indicators: ['circular-economy-targeted', 'sme-targeted'], fromYear: 2026, toYear: 2026 });
  // Contract 2 reached circular economy but the CAD did not target it; contract 3 is not awarded yet.
  expect(circular).toMatchObject({ numerator: 1, denominator: 1 });
  expect(sme).toMatchObject({ numerator: 0, denominator: 1 });
});

it('shows the CAD of 2026 the review of the actions decided in 2025, each goal with its outcome', async () => {
  const api = await fetch(`${env.url}/api/cad/2026`, { headers: { authorization: `Bearer ${manager.token}` } });
  const review = await api.json() as { decisions: unknown[]; previous: { contractId: string; goals: { goal: string; outcome: string }[] }[] };
  expect(review.decisions).toEqual([]);
  expect(review.previous.map((d) => [d.contractId.replace(/^.*-cad-/, ''), d.goals.map((g) => `${g.goal}:${g.outcome}`)])).toEqual([
    ['1', ['circular-economy:atteint', 'sme-access:non atteint']],
    ['2', []],
    ['3', ['sme-access:non attribué']],
  ]);

  const page = await signIn(browser, env.url, manager.token);
  await page.goto(`${env.url}/indicateurs?annee=2026`);
  await page.getByRole('link', { name: 'Comité annuel des achats durables' }).click();
  await page.waitForURL(`${env.url}/cad/2026`);
  expect(await page.locator('h1').textContent()).toBe('Comité annuel des achats durables 2026');
  const rows = await page.locator('#bilan-n-1 tbody tr').allTextContents();
  expect(rows).toHaveLength(3);
  expect(rows[0]).toMatch(/Contrats intégrant l’économie circulaire : atteint ; Contrats confiés à des TPE-PME : non atteint/);
  expect(rows[1]).toContain('non ciblé');
  expect(await page.locator('#bilan-n-1 caption').textContent()).toBe('Actions arrêtées en 2025 et leur résultat à l’attribution');

  await page.addScriptTag({ content: axe.source });
  const violations = await page.evaluate(async () => (await (globalThis as unknown as { axe: typeof axe }).axe.run()).violations.map((v) => `${v.id}: ${v.nodes.length}`));
  expect(violations).toEqual([]);
  await page.context().close();
});

it('refuses the CAD review to a buyer and to a collectivity without a CAD', async () => {
  const buyer = await person(env.db, 'buyer', collectivityId);
  expect((await fetch(`${env.url}/api/cad/2026`, { headers: { authorization: `Bearer ${buyer.token}` } })).status).toBe(403);
  const { policy: dijon } = await writePortfolio(env.db, 'dijon', { size: 0, seed: 1, years: [2026] });
  const dijonManager = await person(env.db, 'manager', dijon.collectivity.id);
  const res = await fetch(`${env.url}/api/cad/2026`, { headers: { authorization: `Bearer ${dijonManager.token}` } });
  expect(res.status).toBe(404);
  expect(await res.json()).toEqual({ erreur: 'la politique de la collectivité ne prévoit pas de comité annuel des achats durables' });
});
