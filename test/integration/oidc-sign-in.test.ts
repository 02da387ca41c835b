/** Sign-in through a real OpenID Connect provider (oidc-provider, certified), code flow with PKCE, in Chromium. */
import type { Server } from 'node:http';
import Provider from 'oidc-provider';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser';
import { uniqueId } from '../support/env';
import { person } from '../support/people';
import { freePort, webEnv } from '../support/web-env';

let env: Awaited<ReturnType<typeof webEnv>>;
let browser: Browser;
let provider: Server;

beforeAll(async () => {
  const [providerPort, webPort] = [await freePort(), await freePort()];
  const issuer = `http://127.0.0.1:${providerPort}`;
  const oidc = new Provider(issuer, {
    clients: [{ client_id: 'spaser', client_secret: 'spaser-secret', redirect_uris: [`http://127.0.0.1:${webPort}/connexion/retour`] }],
    // The login page of the provider's development mode accepts any login; the login is the person's email.
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub, email: sub }) }),
    claims: { email: ['email'] },
    features: { devInteractions: { enabled: true } },
  });
  provider = oidc.listen(providerPort);
  env = await webEnv({ worker: false, port: webPort, auth: { mode: 'oidc', issuer, clientId: 'spaser', clientSecret: 'spaser-secret' } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await env?.teardown();
  provider?.close();
});

async function signInAs(email: string) {
  const page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(`${env.url}/contrats`);
  await page.getByRole('link', { name: 'Se connecter avec mon compte de la collectivité' }).click();
  await page.locator('input[name=login]').fill(email);
  await page.locator('input[name=password]').fill('peu importe');
  await page.locator('button[type=submit]').click();
  await page.locator('button[type=submit]', { hasText: /continue/i }).click(); // consent
  await page.waitForURL(new RegExp(`^${env.url}`));
  return page;
}

it('signs a known person in through the provider and brings them back where they were going', async () => {
  const manager = await person(env.db, 'manager', 'clermont', { email: `${uniqueId('oidc')}@clermont.test` });
  const page = await signInAs(manager.email);
  expect(new URL(page.url()).pathname).toBe('/contrats');
  expect(await page.locator('.who').textContent()).toContain('Responsable');
  // The local token form does not exist in this mode.
  expect((await env.app.inject({ method: 'POST', url: '/connexion', payload: 'jeton=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).statusCode).toBe(404);
  await page.context().close();
});

it('turns away a person the provider knows but who has no account here', async () => {
  const page = await signInAs(`${uniqueId('inconnu')}@ailleurs.test`);
  expect(await page.locator('h1').textContent()).toBe('Compte inconnu');
  await page.goto(`${env.url}/contrats`);
  expect(new URL(page.url()).pathname).toBe('/connexion');
  await page.context().close();
});
