/**
 * Sign-in through real OpenID Connect providers (oidc-provider, certified), in Chromium: one set up the way ProConnect
 * behaves (nonce required, documented parameters only, signed userinfo, email only in userinfo, sign-out at the
 * provider), one the way Keycloak does (email in the ID token, plain JSON userinfo).
 */
import { generateKeyPairSync } from 'node:crypto';
import type { Server } from 'node:http';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser';
import { uniqueId } from '../support/env';
import { person } from '../support/people';
import { freePort, webEnv } from '../support/web-env';

/** The providers' people, by `sub`; the provider's development login page takes the `sub` as login. */
const accounts = new Map<string, { email: string; emailVerified?: boolean }>();

/**
 * What ProConnect refuses before its oidc-provider sees the request: parameters outside its list, scopes outside its
 * list, `state` or `nonce` shorter than 32 characters; at sign-out, a missing `id_token_hint`, `state` or
 * `post_logout_redirect_uri`. Lists: partenaires.proconnect.gouv.fr/docs/fournisseur-service/implementation_technique
 * (§2.2, §2.4.1) and scope-claims; PKCE is accepted by its server (proconnect-gouv/federation, AuthorizeParamsDto).
 */
const PROCONNECT_PARAMS = new Set(['response_type', 'client_id', 'redirect_uri', 'scope', 'claims', 'state', 'nonce', 'prompt', 'idp_hint',
  'login_hint', 'siret_hint', 'code_challenge', 'code_challenge_method']);
const PROCONNECT_SCOPES = new Set(['openid', 'given_name', 'usual_name', 'email', 'uid', 'siret', 'idp_id', 'roles', 'organization_label', 'phone', 'custom']);
/** What the ProConnect-like provider answered: path and content type. */
const served: string[] = [];

async function likeProConnect(ctx: KoaContextWithOIDC, next: () => Promise<void>) {
  const query = ctx.query as Record<string, string | undefined>;
  const refused: string[] = [];
  if (ctx.method === 'GET' && ctx.path === '/auth') {
    refused.push(...Object.keys(query).filter((name) => !PROCONNECT_PARAMS.has(name)));
    refused.push(...(query.scope ?? '').split(' ').filter((scope) => !PROCONNECT_SCOPES.has(scope)).map((scope) => `scope ${scope}`));
    refused.push(...['state', 'nonce'].filter((name) => (query[name] ?? '').length < 32));
  }
  if (ctx.method === 'GET' && ctx.path === '/session/end') {
    refused.push(...['id_token_hint', 'state', 'post_logout_redirect_uri'].filter((name) => !query[name]));
  }
  if (refused.length) {
    ctx.status = 400;
    ctx.body = `Y000400 : Bad Request Exception (${refused.join(', ')})`;
    return;
  }
  await next();
  served.push(`${ctx.path} ${ctx.response.type}`);
}

function startProvider(kind: 'proconnect' | 'keycloak', port: number, webUrl: string): Server {
  const proConnect = kind === 'proconnect';
  const signingKey = (type: 'ec' | 'rsa') =>
    (type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 })).privateKey.export({ format: 'jwk' });
  const provider = new Provider(`http://127.0.0.1:${port}`, {
    clients: [{
      client_id: 'spaser',
      client_secret: 'spaser-secret',
      redirect_uris: [`${webUrl}/connexion/retour`],
      post_logout_redirect_uris: [`${webUrl}/connexion`],
      // ProConnect: client_secret_post, ID token in ES256 (its default), userinfo as a JWT in the registered algorithm.
      ...(proConnect ? { token_endpoint_auth_method: 'client_secret_post', id_token_signed_response_alg: 'ES256', userinfo_signed_response_alg: 'RS256' } : {}),
    }],
    jwks: { keys: [signingKey('rsa'), signingKey('ec')] },
    findAccount: async (_ctx, sub) => ({
      accountId: sub,
      claims: async () => ({ sub, email: accounts.get(sub)?.email ?? sub, email_verified: accounts.get(sub)?.emailVerified ?? true }),
    }),
    // ProConnect has no email_verified: its identity providers verify emails.
    claims: proConnect ? { openid: ['sub'], email: ['email'], given_name: ['given_name'], usual_name: ['usual_name'], uid: ['uid'], siret: ['siret'] } : { openid: ['sub'], email: ['email', 'email_verified'] },
    // ProConnect serves the email from userinfo only (oidc-provider's default); Keycloak puts it in the ID token too.
    conformIdTokenClaims: proConnect,
    features: { devInteractions: { enabled: true }, jwtUserinfo: { enabled: proConnect }, rpInitiatedLogout: { enabled: true } },
  });
  if (proConnect) provider.use(likeProConnect);
  return provider.listen(port);
}

/** The web app signed in through one provider. */
async function site(kind: 'proconnect' | 'keycloak') {
  const [providerPort, webPort] = [await freePort(), await freePort()];
  const issuer = `http://127.0.0.1:${providerPort}`;
  const provider = startProvider(kind, providerPort, `http://127.0.0.1:${webPort}`);
  const env = await webEnv({ worker: false, port: webPort, auth: { mode: 'oidc', issuer, clientId: 'spaser', clientSecret: 'spaser-secret' } });
  return { issuer, provider, env };
}

let browser: Browser;
let proConnect: Awaited<ReturnType<typeof site>>;
let keycloak: Awaited<ReturnType<typeof site>>;

beforeAll(async () => {
  [proConnect, keycloak] = await Promise.all([site('proconnect'), site('keycloak')]);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  for (const s of [proConnect, keycloak]) {
    await s?.env.teardown();
    s?.provider.close();
  }
});

/** Asks for the contracts, is sent to the provider, logs in there as `sub`: the page stops at the provider's consent. */
async function logInAtProvider(at: typeof proConnect, sub: string, page?: Page): Promise<Page> {
  page ??= await (await browser.newContext()).newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(`${at.env.url}/contrats`);
  await page.getByRole('link', { name: 'Se connecter avec mon compte de la collectivité' }).click();
  await page.locator('input[name=login]').fill(sub);
  await page.locator('input[name=password]').fill('peu importe');
  await page.locator('button[type=submit]').click();
  await page.locator('button[type=submit]', { hasText: /continue/i }).waitFor();
  return page;
}

async function consent(at: typeof proConnect, page: Page): Promise<Page> {
  await page.locator('button[type=submit]', { hasText: /continue/i }).click();
  await page.waitForURL(new RegExp(`^${at.env.url}`));
  return page;
}

const signInAs = async (at: typeof proConnect, sub: string) => consent(at, await logInAtProvider(at, sub));

/** A person here, known to the providers under a fresh `sub`. */
async function agent(role: 'buyer' | 'manager', account: { emailVerified?: boolean } = {}) {
  const someone = await person(proConnect.env.db, role, 'clermont');
  const sub = uniqueId('sub');
  accounts.set(sub, { email: someone.email, ...account });
  return { ...someone, sub };
}

const subjectOf = async (userId: string) => (await proConnect.env.db.user.findUniqueOrThrow({ where: { id: userId } })).oidcSubject;

it('signs a known person in the way ProConnect asks: nonce, documented parameters, signed userinfo', async () => {
  const manager = await agent('manager');
  const page = await signInAs(proConnect, manager.sub);
  expect(new URL(page.url()).pathname).toBe('/contrats');
  expect(await page.locator('.who').textContent()).toContain('Responsable');
  // The email came from a signed userinfo response (the ID token has none), checked with the provider's keys.
  expect(served).toContain('/me application/jwt');
  expect(served).toContain('/jwks application/jwk-set+json');
  // The provider does refuse what ProConnect refuses: the sign-in above passed its checks.
  const noNonce = new URL(`${proConnect.issuer}/auth`);
  noNonce.search = new URLSearchParams({ client_id: 'spaser', response_type: 'code', scope: 'openid email', redirect_uri: `${proConnect.env.url}/connexion/retour`, state: 's'.repeat(32) }).toString();
  expect((await fetch(noNonce, { redirect: 'manual' })).status).toBe(400);
  // The local token form does not exist in this mode.
  const form = { method: 'POST' as const, url: '/connexion', payload: 'jeton=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } };
  expect((await proConnect.env.app.inject(form)).statusCode).toBe(404);
  await page.context().close();
});

it('refuses an ID token that does not carry the nonce this browser sent', async () => {
  const buyer = await agent('buyer');
  const page = await logInAtProvider(proConnect, buyer.sub);
  // Swap the nonce kept in the signed cookie, as if the answer had been made for another sign-in.
  const [cookie] = (await page.context().cookies(`${proConnect.env.url}/connexion/retour`)).filter((c) => c.name === 'spaser_oidc');
  const pending = JSON.parse(proConnect.env.app.unsignCookie(decodeURIComponent(cookie!.value)).value!) as Record<string, string>;
  const forged = proConnect.env.app.signCookie(JSON.stringify({ ...pending, nonce: 'n'.repeat(43) }));
  await page.context().addCookies([{ ...cookie!, value: encodeURIComponent(forged) }]);
  await consent(proConnect, page);
  expect(await page.locator('h1').textContent()).toBe('Connexion refusée');
  expect(await subjectOf(buyer.id)).toBeNull();
  await page.goto(`${proConnect.env.url}/contrats`);
  expect(new URL(page.url()).pathname).toBe('/connexion');
  await page.context().close();
});

it('links the provider\'s sub at the first sign-in, then finds the person by it whatever email comes', async () => {
  const buyer = await agent('buyer');
  const manager = await agent('manager');
  await (await signInAs(proConnect, buyer.sub)).context().close();
  expect(await subjectOf(buyer.id)).toBe(buyer.sub);

  // The provider now sends the buyer's sub with the manager's email: the sub decides, and the manager stays unlinked.
  accounts.set(buyer.sub, { email: manager.email });
  const page = await signInAs(proConnect, buyer.sub);
  expect(await page.locator('.who').textContent()).toContain('Acheteur');
  expect(await subjectOf(manager.id)).toBeNull();
  await page.context().close();

  // Another sub with the buyer's email does not take over the linked account.
  const newcomer = uniqueId('sub');
  accounts.set(newcomer, { email: buyer.email });
  const refused = await signInAs(proConnect, newcomer);
  expect(await refused.locator('h1').textContent()).toBe('Compte déjà relié');
  expect(await subjectOf(buyer.id)).toBe(buyer.sub);
  await refused.context().close();
});

it('signs out at the provider too, with the ID token as hint, and comes back signed out', async () => {
  const manager = await agent('manager');
  const page = await signInAs(proConnect, manager.sub);
  const endSession = page.waitForRequest((request) => request.url().startsWith(`${proConnect.issuer}/session/end?`));
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  const params = new URL((await endSession).url()).searchParams;
  expect(params.get('id_token_hint')).toMatch(/^eyJ/);
  expect(params.get('post_logout_redirect_uri')).toBe(`${proConnect.env.url}/connexion`);
  await page.getByRole('button', { name: 'Yes, sign me out' }).click();
  await page.waitForURL(new RegExp(`^${proConnect.env.url}/connexion\\?state=`));

  await page.goto(`${proConnect.env.url}/contrats`);
  expect(new URL(page.url()).pathname).toBe('/connexion');
  // The provider's session is over too: signing in again asks who is there.
  await logInAtProvider(proConnect, manager.sub, page);
  await page.context().close();
});

it('turns away a person the provider knows but who has no account here', async () => {
  const page = await signInAs(proConnect, `${uniqueId('inconnu')}@ailleurs.test`);
  expect(await page.locator('h1').textContent()).toBe('Compte inconnu');
  await page.goto(`${proConnect.env.url}/contrats`);
  expect(new URL(page.url()).pathname).toBe('/connexion');
  await page.context().close();
});

it('signs in through a Keycloak-style provider (email in the ID token), unless it says the email is unverified', async () => {
  const manager = await agent('manager');
  const page = await signInAs(keycloak, manager.sub);
  expect(new URL(page.url()).pathname).toBe('/contrats');
  expect(await subjectOf(manager.id)).toBe(manager.sub);
  await page.context().close();

  const unverified = await agent('buyer', { emailVerified: false });
  const refused = await signInAs(keycloak, unverified.sub);
  expect(await refused.locator('h1').textContent()).toBe('Adresse non vérifiée');
  expect(await subjectOf(unverified.id)).toBeNull();
  await refused.context().close();
});
