/**
 * The policy in the browser (issue 16): a manager reads it with its versions and their differences; an administrator
 * publishes a new version from a YAML file, validated with each problem's line and field, and the next cycle pins it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPolicyActivities, POLICIES_DIR } from '../../activities/policy';
import { accessibilityProblems } from '../support/accessibility';
import { launchBrowser, signIn } from '../support/browser';
import { person, type Person } from '../support/people';
import { writePortfolio } from '../support/portfolio';
import { webEnv } from '../support/web-env';

let env: Awaited<ReturnType<typeof webEnv>>;
let browser: Browser;
let admin: Person;
let collectivityId: string;
let policiesDir: string;
const original = readFileSync(join(POLICIES_DIR, 'clermont.yaml'), 'utf8');

beforeAll(async () => {
  [env, browser] = await Promise.all([webEnv({ worker: false }), launchBrowser()]);
  // A collectivity of its own: publishing changes what every new cycle of the collectivity pins.
  ({ policy: { collectivity: { id: collectivityId } } } = await writePortfolio(env.db, 'clermont', { size: 0, seed: 1, years: [2026] }));
  admin = await person(env.db, 'manager', collectivityId);
  await env.db.user.update({ where: { id: admin.id }, data: { admin: true } });
  policiesDir = mkdtempSync(join(tmpdir(), 'spaser-policies-'));
  writeFileSync(join(policiesDir, `${collectivityId}.yaml`), original.replace(/^ {2}id: clermont$/m, `  id: ${collectivityId}`));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await env?.teardown();
});

/** A policy file as an administrator would upload it. */
async function upload(page: Page, name: string, text: string) {
  await page.getByLabel(/^Fichier YAML/).setInputFiles({ name, mimeType: 'text/yaml', buffer: Buffer.from(text) });
  await page.getByRole('button', { name: 'Publier' }).click();
}

const next = (patch: (yaml: string) => string) => patch(original.replace(/^ {2}id: clermont$/m, `  id: ${collectivityId}`)
  .replace(/^version: '2026\.1'$/m, "version: '2027.1'").replace(/^validFrom: '2026-12-01'$/m, "validFrom: '2027-01-01'"));

it('publishes a new version from a file, refuses a wrong one with its line and field, and shows what changed', async () => {
  const page = await signIn(browser, env.url, admin.token);
  await page.getByRole('link', { name: 'Politique' }).click();
  expect(await page.locator('h1').textContent()).toBe('Politique d’achat · version 2026.1');
  expect(await page.locator('#questions').textContent()).toContain('003 action 8');
  expect(await accessibilityProblems(page)).toEqual([]);

  const line = original.split('\n').findIndex((l) => l.startsWith('  insertionClauseAbove:')) + 1;
  await upload(page, 'faux.yaml', next((y) => y.replace(/^ {2}insertionClauseAbove: .*$/m, '  insertionClauseAbove: beaucoup')));
  expect(await page.getByRole('alert').textContent()).toContain(`ligne ${line}, thresholds.insertionClauseAbove : `);
  expect(await page.locator('#f-fichier').getAttribute('aria-invalid')).toBe('true');
  expect(await accessibilityProblems(page)).toEqual([]);

  await upload(page, 'clermont-2027.yaml', next((y) => y.replace(/^ {2}insertionClauseAbove: .*$/m, '  insertionClauseAbove: 80000')));
  expect(await page.getByRole('status').textContent()).toContain('Version 2027.1 publiée');
  expect(await page.locator('h1').textContent()).toBe('Politique d’achat · version 2027.1');
  const changes = await page.locator('#differences tbody tr').allTextContents();
  expect(changes).toContain('thresholds.insertionClauseAbove9000080000');
  expect(changes.some((c) => c.startsWith('version2026.12027.1'))).toBe(true);
  expect(await env.db.adminAudit.count({ where: { collectivityId, action: 'policy.published', actor: admin.email } })).toBe(1);

  // The same number again is refused.
  await upload(page, 'encore.yaml', next((y) => y));
  expect(await page.getByRole('alert').textContent()).toContain('version : la version 2027.1 existe déjà');
  await page.context().close();

  // The next cycle of a contract pins the published version, though the file on disk is still 2026.1.
  const { loadPolicy } = createPolicyActivities({ db: env.db, policiesDir });
  expect(await loadPolicy(collectivityId)).toMatchObject({ version: '2027.1', thresholds: { insertionClauseAbove: 80_000 } });
});

it('lets managers read the policy and only administrators publish', async () => {
  const manager = await person(env.db, 'manager', collectivityId);
  const page = await signIn(browser, env.url, manager.token);
  await page.goto(`${env.url}/politique`);
  expect(await page.getByRole('button', { name: 'Publier' }).count()).toBe(0);
  const res = await page.request.post(`${env.url}/politique`, { multipart: { fichier: { name: 'x.yaml', mimeType: 'text/yaml', buffer: Buffer.from(next((y) => y)) } } });
  expect(res.status()).toBe(403);
  await page.context().close();
  const buyer = await person(env.db, 'buyer', collectivityId);
  const other = await signIn(browser, env.url, buyer.token);
  expect((await other.goto(`${env.url}/politique`))?.status()).toBe(403);
  await other.context().close();
});
