import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { statusQuery } from '../../workflows/contract-lifecycle';
import { launchBrowser, signIn } from '../support/browser';
import { contractFacts } from '../support/contracts';
import { uniqueId } from '../support/env';
import { eventually } from '../support/eventually';
import { person } from '../support/people';
import { webEnv } from '../support/web-env';

let env: Awaited<ReturnType<typeof webEnv>>;
let browser: Browser;

beforeAll(async () => {
  [env, browser] = await Promise.all([webEnv(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await env?.teardown();
});

it('a buyer answers the programming questions from the mail’s link, and the contract moves on to sourcing', async () => {
  const buyer = `${uniqueId('acheteur')}@clermont.test`;
  const contract = contractFacts(Date.now(), 6, { buyer: { name: 'Camille Martin', email: buyer } });
  const handle = await env.start(contract);

  const [summary] = await env.mailbox.waitFor((m) => m.To.some((t) => t.Address === buyer) && m.Subject.includes('À décider'), { timeoutMs: 30_000 });
  const mail = await env.mailbox.get(summary!.ID);
  expect(mail.Subject).toContain(contract.object);
  const link = /http:\/\/127\.0\.0\.1:\d+\/repondre\/[\w.-]+/.exec(mail.Text)?.[0];
  expect(link, 'the mail carries an answer link').toBeDefined();
  expect(mail.HTML).toContain(link);

  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(link!);
  expect(await page.locator('h1').textContent()).toContain('programmation');
  expect(await page.content()).toContain(buyer);
  // Submitting nothing names the missing fields, keeps the task open.
  await page.getByRole('button', { name: 'Envoyer la réponse' }).click();
  expect(await page.locator('[role=alert]').textContent()).toContain('Le besoin est-il confirmé (juste besoin) (needConfirmed)');
  // Each error is tied to its field (RGAA 11.10): the group of radio buttons names the error text that describes it.
  const group = page.getByRole('group', { name: 'Le besoin est-il confirmé (juste besoin) ?' });
  expect(await page.locator(`#${await group.getAttribute('aria-describedby')}`).textContent()).toBeTruthy();
  for (const field of ['needConfirmed', 'circularEconomyTargeted', 'essPotential', 'smeAccessTargeted']) {
    await page.locator(`input[name="${field}"][value="oui"]`).check();
  }
  for (const field of ['innovation', 'lifeCycleAnalysis']) await page.locator(`input[name="${field}"][value="non"]`).check();
  await page.locator('textarea[name="sobrietyMeasures"]').fill('Mutualisation avec la ville');
  await page.getByRole('button', { name: 'Envoyer la réponse' }).click();
  await expect.poll(() => page.locator('h1').textContent()).toBe('Réponse enregistrée');

  const status = await eventually('the contract to leave programming', async () => {
    const s = await handle.query(statusQuery);
    return s.phase === 'programming' ? undefined : s;
  });
  expect(status.decisions['programming-questionnaire']).toMatchObject({ needConfirmed: true, innovation: false, sobrietyMeasures: 'Mutualisation avec la ville' });
  const task = await env.db.task.findFirstOrThrow({ where: { contractId: contract.id, kind: 'programming-questionnaire' } });
  expect(task).toMatchObject({ status: 'answered', answeredBy: buyer });

  // The same link again: used. A tampered one: invalid. Neither is an error page.
  await page.goto(link!);
  expect(await page.locator('h1').textContent()).toBe('Lien déjà utilisé');
  await page.goto(`${link!.slice(0, -3)}abc`);
  expect(await page.locator('h1').textContent()).toBe('Lien invalide');
  await page.close();
});

it('a buyer answers from the inbox; the manager finds the contract, its timeline and its audit trail with the engine’s history', async () => {
  const buyer = await person(env.db, 'buyer', 'clermont');
  const manager = await person(env.db, 'manager', 'clermont');
  const contract = contractFacts(Date.now(), 6, { buyer: { name: 'Lou Girard', email: buyer.email } });
  await env.start(contract);
  await eventually('the programming task', () => env.db.task.findFirst({ where: { contractId: contract.id, status: 'open' } }).then((t) => t ?? undefined));

  const buyerPage = await signIn(browser, env.url, buyer.token);
  expect(new URL(buyerPage.url()).pathname).toBe('/taches');
  const row = buyerPage.locator('#taches tr', { hasText: 'programmation' });
  await row.getByRole('link', { name: 'Répondre' }).click();
  for (const field of ['needConfirmed', 'circularEconomyTargeted', 'essPotential', 'smeAccessTargeted', 'innovation', 'lifeCycleAnalysis']) {
    await buyerPage.locator(`input[name="${field}"][value="non"]`).check();
  }
  await buyerPage.getByRole('button', { name: 'Envoyer la réponse' }).click();
  expect(await buyerPage.locator('h1').textContent()).toBe('Réponse enregistrée');
  await eventually('the sourcing task', () => env.db.task.findFirst({ where: { contractId: contract.id, kind: 'sourcing' } }).then((t) => t ?? undefined));

  const managerPage = await signIn(browser, env.url, manager.token);
  await managerPage.goto(`${env.url}/contrats?phase=sourcing`);
  await managerPage.getByRole('link', { name: contract.id }).click();
  const steps = managerPage.locator('#etapes');
  expect(await steps.locator('tr', { hasText: 'programmation' }).textContent()).toContain(buyer.email);
  expect(await steps.locator('tr', { hasText: 'Sourcing' }).textContent()).toContain('Ouverte');
  const trail = (await managerPage.locator('#historique').textContent())!;
  for (const line of ['Question posée', 'Réponse', 'Mail remis au serveur SMTP', 'Suivi démarré', 'Réponse reçue par le suivi']) expect(trail).toContain(line);

  const csv = await managerPage.request.get(`${env.url}/contrats/${contract.id}/historique.csv`);
  expect(csv.headers()['content-type']).toContain('text/csv');
  const text = await csv.text();
  expect(text).toContain('date;source;qui;action;détail');
  expect(text).toMatch(/;décision;/);
  expect(text).toMatch(/;moteur;/);
  await Promise.all([buyerPage.context().close(), managerPage.context().close()]);
});
