/**
 * Administration in Chromium (issue 16): an administrator opens, changes and deactivates accounts, revokes tokens
 * and makes system tokens, only in their own collectivity, each change in admin_audit; others are refused.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { POLICIES_DIR, storeAllPolicies } from '../../activities/policy';
import { accessibilityProblems } from '../support/accessibility';
import { launchBrowser, signIn } from '../support/browser';
import { uniqueId } from '../support/env';
import { person, type Person } from '../support/people';
import { webEnv } from '../support/web-env';

let env: Awaited<ReturnType<typeof webEnv>>;
let browser: Browser;
let admin: Person;

beforeAll(async () => {
  [env, browser] = await Promise.all([webEnv({ worker: false }), launchBrowser()]);
  await storeAllPolicies(env.db, POLICIES_DIR); // as `npm start` does: the collectivities and their partners
  admin = await person(env.db, 'manager', 'clermont');
  await env.db.user.update({ where: { id: admin.id }, data: { admin: true } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await env?.teardown();
});

const api = (token: string, path = '/api/taches') => fetch(`${env.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
const audited = (action: string) => env.db.adminAudit.count({ where: { collectivityId: 'clermont', actor: admin.email, action } });

async function fillPerson(page: Page, p: { name: string; email: string; role: string; partner?: string }) {
  await page.getByLabel(/^Nom/).fill(p.name);
  await page.getByLabel('Adresse électronique').fill(p.email);
  await page.getByLabel(/^Rôle/).selectOption(p.role);
  await page.getByLabel('Partenaire représenté').selectOption(p.partner ?? '');
}

it('opens an account, changes it, deactivates it and revokes its tokens, each change audited', async () => {
  const page = await signIn(browser, env.url, admin.token);
  await page.getByRole('link', { name: 'Administration' }).click();
  expect(await accessibilityProblems(page)).toEqual([]);
  await page.getByRole('link', { name: 'Ajouter une personne' }).click();

  // Errors next to their fields.
  await page.getByRole('button', { name: 'Ouvrir le compte' }).click();
  const email = page.getByLabel('Adresse électronique');
  expect(await page.locator(`#${await email.getAttribute('aria-describedby')}`).textContent()).toBe('adresse électronique invalide');
  expect(await accessibilityProblems(page)).toEqual([]);

  const address = `${uniqueId('sam')}@clermont.test`;
  await fillPerson(page, { name: 'Sam Roux', email: address, role: 'buyer' });
  await page.getByRole('button', { name: 'Ouvrir le compte' }).click();
  const token = await page.getByLabel('Jeton').inputValue();
  expect((await api(token)).status).toBe(200);
  expect(await audited('person.added')).toBe(1);

  // A partner needs the partner they represent.
  await page.goto(`${env.url}/administration`);
  await page.getByRole('link', { name: 'Sam Roux' }).click();
  await fillPerson(page, { name: 'Sam Roux', email: address, role: 'partner' });
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  expect(await page.locator('#e-partnerId').textContent()).toBe('choisissez le partenaire que cette personne représente');
  await fillPerson(page, { name: 'Sam Roux', email: address, role: 'partner', partner: 'plie' });
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page.waitForURL(`${env.url}/administration`);
  expect(await env.db.user.findUnique({ where: { email: address } })).toMatchObject({ role: 'partner', partnerId: 'plie' });
  expect(await page.locator(`#personnes tr[data-email="${address}"]`).textContent()).toContain('Partenaire (plie)');

  await page.getByRole('link', { name: 'Sam Roux' }).click();
  await page.getByRole('button', { name: 'Désactiver le compte' }).click();
  expect((await api(token)).status).toBe(401);
  await page.getByRole('link', { name: 'Sam Roux' }).click();
  await page.getByRole('button', { name: 'Réactiver le compte' }).click();
  expect((await api(token)).status).toBe(200);
  await page.getByRole('link', { name: 'Sam Roux' }).click();
  await page.getByRole('button', { name: 'Révoquer tous ses jetons d’accès' }).click();
  expect((await api(token)).status).toBe(401);
  for (const action of ['person.changed', 'person.deactivated', 'person.reactivated', 'person.tokens-revoked']) expect(await audited(action), action).toBe(1);
  expect(await page.locator('#journal tbody tr').count()).toBeGreaterThanOrEqual(5);
  await page.context().close();
});

it('makes a system token shown once, and revokes it', async () => {
  const page = await signIn(browser, env.url, admin.token);
  await page.goto(`${env.url}/administration`);
  await page.getByLabel('Logiciel').fill('Profil acheteur');
  await page.getByRole('button', { name: 'Créer un jeton système' }).click();
  const token = await page.getByLabel('Jeton').inputValue();
  expect(token).toMatch(/^spaser_sys_/);
  expect(await env.db.systemToken.count({ where: { collectivityId: 'clermont', label: 'Profil acheteur', revokedAt: null } })).toBe(1);
  await page.goto(`${env.url}/administration`);
  await page.getByRole('button', { name: 'Révoquer le jeton « Profil acheteur »' }).first().click();
  expect(await env.db.systemToken.count({ where: { collectivityId: 'clermont', label: 'Profil acheteur', revokedAt: null } })).toBe(0);
  expect(await audited('system-token.created')).toBeGreaterThanOrEqual(1);
  expect(await audited('system-token.revoked')).toBeGreaterThanOrEqual(1);
  await page.context().close();
});

it('refuses a non-administrator, another collectivity’s people, and leaving the collectivity without an administrator', async () => {
  const manager = await person(env.db, 'manager', 'clermont');
  const page = await signIn(browser, env.url, manager.token);
  const refused = await page.goto(`${env.url}/administration`);
  expect(refused?.status()).toBe(403);
  expect(await page.locator('main').textContent()).toContain('L’administration est réservée aux administrateurs de la collectivité.');
  await page.context().close();

  // Another collectivity, with its one administrator.
  const elsewhere = uniqueId('ailleurs');
  await env.db.collectivity.create({ data: { id: elsewhere, name: 'Ailleurs', departement: '21', region: 'Bourgogne-Franche-Comté' } });
  const otherAdmin = await person(env.db, 'manager', elsewhere);
  await env.db.user.update({ where: { id: otherAdmin.id }, data: { admin: true } });
  const other = await signIn(browser, env.url, otherAdmin.token);
  expect((await other.goto(`${env.url}/administration/personnes/${manager.id}`))?.status()).toBe(404);
  const post = await other.request.post(`${env.url}/administration/personnes/${manager.id}/activation`, { form: { actif: 'non' } });
  expect(post.status()).toBe(404);
  expect(await env.db.user.findUniqueOrThrow({ where: { id: manager.id } })).toMatchObject({ deactivatedAt: null });
  // Its only administrator cannot give the role up.
  const self = await other.request.post(`${env.url}/administration/personnes/${otherAdmin.id}`, {
    form: { name: 'Test manager', email: otherAdmin.email, role: 'manager' },
  });
  expect(self.status()).toBe(400);
  expect(await self.text()).toContain('votre collectivité doit garder au moins un administrateur actif');
  await other.context().close();
});
