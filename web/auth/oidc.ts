/**
 * Sign-in through OpenID Connect (ProConnect, Keycloak, ...): authorization code flow with state and nonce. The
 * provider proves who the person is; the `users` table says which role and collectivity they have here.
 *
 * Written to ProConnect's service-provider guide, https://partenaires.proconnect.gouv.fr/docs/fournisseur-service/implementation_technique
 * (source: proconnect-gouv/proconnect-espace-partenaires, src/pages/docs/fournisseur-service/implementation_technique.md):
 * - §2.2: `state` and `nonce` random, 32 characters at least, kept in the browser session; any parameter outside the
 *   documented list is refused (Y000400);
 * - §2.3.4-2.3.7: ID token and userinfo are JWTs signed with the algorithm registered for the client (RS256, ES256),
 *   userinfo is plain JSON when none was registered; the ID token is kept for sign-out;
 * - §2.4: sign-out redirects the browser to `end_session_endpoint` with `id_token_hint`, `state` and
 *   `post_logout_redirect_uri`;
 * - donnees_fournies.md, "Le champ sub": `sub` is the identifier to reconcile accounts on.
 */
import * as oidc from 'openid-client';
import type { Db } from '../../lib/db';
import type { User } from '../../prisma/generated/client';

/**
 * `email` is all we read: the scope of that name is in ProConnect's list (scope-claims.md) and Keycloak serves it too.
 * No `profile`: ProConnect does not know it.
 */
const SCOPE = 'openid email';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** Where the provider sends people back after sign-out; registered with the provider like `redirectUri`. */
  postLogoutRedirectUri: string;
}

/** What the callback checks, kept in a signed cookie until the provider sends the person back. */
export interface OidcPending {
  state: string;
  nonce: string;
  /** PKCE, when the provider advertises it. */
  verifier?: string;
}

/** The person the provider sent back. */
export interface OidcIdentity {
  subject: string;
  email: string;
  /** False only when the provider says so (Keycloak sends `email_verified`; ProConnect's providers verify emails). */
  emailVerified: boolean;
  /** The hint the end-session endpoint asks for at sign-out. */
  idToken: string;
}

export class OidcSignIn {
  private config?: Promise<oidc.Configuration>;

  constructor(private readonly settings: OidcSettings) {}

  private configuration(): Promise<oidc.Configuration> {
    const { issuer, clientId, clientSecret } = this.settings;
    // An http issuer is a local Keycloak in development; production issuers are https.
    const insecure = issuer.startsWith('http://') ? { execute: [oidc.allowInsecureRequests] } : undefined;
    this.config ??= oidc.discovery(new URL(issuer), clientId, clientSecret, undefined, insecure)
      .then((config) => {
        // Check the signatures of the ID token and of a JWT userinfo against the provider's JWKS (without it,
        // openid-client trusts TLS and reads the claims unverified). HS256 is not supported: register RS256 or ES256.
        oidc.enableNonRepudiationChecks(config);
        return config;
      })
      .catch((err: unknown) => {
        this.config = undefined;
        throw err;
      });
    return this.config;
  }

  async start(): Promise<{ url: string; pending: OidcPending }> {
    const config = await this.configuration();
    // randomState and randomNonce give 43 characters (32 random bytes).
    const pending: OidcPending = { state: oidc.randomState(), nonce: oidc.randomNonce() };
    const params: Record<string, string> = { redirect_uri: this.settings.redirectUri, scope: SCOPE, state: pending.state, nonce: pending.nonce };
    // PKCE only when discovery advertises it: ProConnect's guide does not list it, its server accepts S256 since
    // 2025-06 (proconnect-gouv/federation, "Add PKCE support in authorization flow") and advertises it.
    if (config.serverMetadata().supportsPKCE()) {
      pending.verifier = oidc.randomPKCECodeVerifier();
      params.code_challenge = await oidc.calculatePKCECodeChallenge(pending.verifier);
      params.code_challenge_method = 'S256';
    }
    return { url: oidc.buildAuthorizationUrl(config, params).href, pending };
  }

  /** Checks state, nonce and signatures, then reads the email from the ID token or, failing that, from userinfo. */
  async finish(callbackUrl: URL, pending: OidcPending): Promise<OidcIdentity> {
    const config = await this.configuration();
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      pkceCodeVerifier: pending.verifier,
    });
    const claims = tokens.claims();
    if (!claims || !tokens.id_token) throw new Error('le fournisseur d’identité n’a pas transmis de jeton d’identité');
    // Keycloak puts the email in the ID token; ProConnect only serves it from userinfo (a signed JWT if registered so).
    const info = typeof claims.email === 'string' ? claims : await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    if (typeof info.email !== 'string') throw new Error('le fournisseur d’identité n’a pas transmis d’adresse mail');
    return { subject: claims.sub, email: info.email.toLowerCase(), emailVerified: info.email_verified !== false, idToken: tokens.id_token };
  }

  /** The provider's end-session URL, or undefined if it has none. */
  async endSessionUrl(idToken: string): Promise<string | undefined> {
    const config = await this.configuration();
    if (!config.serverMetadata().end_session_endpoint) return undefined;
    // ProConnect requires a `state`; the page it comes back to changes nothing, so there is nothing to check it for.
    const params = { id_token_hint: idToken, state: oidc.randomState(), post_logout_redirect_uri: this.settings.postLogoutRedirectUri };
    return oidc.buildEndSessionUrl(config, params).href;
  }
}

export type Refusal = 'unknown' | 'unverified' | 'linkedElsewhere' | 'deactivated';

/**
 * The account of the person the provider vouches for: by `sub` once linked; at the first sign-in, by verified email,
 * recording the `sub`. An account linked to another `sub` is not re-linked (ProConnect's `sub` differs per identity
 * provider: a person who changes provider needs their link cleared by hand).
 */
export async function linkedUser(db: Db, identity: OidcIdentity): Promise<{ user: User } | { refusal: Refusal }> {
  const bySubject = await db.user.findUnique({ where: { oidcSubject: identity.subject } });
  if (bySubject?.deactivatedAt) return { refusal: 'deactivated' };
  if (bySubject) return { user: bySubject };
  if (!identity.emailVerified) return { refusal: 'unverified' };
  const byEmail = await db.user.findUnique({ where: { email: identity.email } });
  if (!byEmail) return { refusal: 'unknown' };
  if (byEmail.deactivatedAt) return { refusal: 'deactivated' };
  // Only if still unlinked: two first sign-ins at once cannot both link it.
  const linked = await db.user.updateMany({ where: { id: byEmail.id, oidcSubject: null }, data: { oidcSubject: identity.subject } });
  return linked.count === 1 ? { user: { ...byEmail, oidcSubject: identity.subject } } : { refusal: 'linkedElsewhere' };
}

/** Checks a provider's answer can fail: state, nonce, signature, issuer, audience, expiry. */
const CHECK_FAILURES = new Set([
  'OAUTH_INVALID_RESPONSE', 'OAUTH_JWT_CLAIM_COMPARISON_FAILED', 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED', 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED',
]);

/** The provider said no (cancelled, expired code) or its answer failed a check: the person's 400, not our fault. */
export function isRefusal(err: unknown): boolean {
  return err instanceof oidc.AuthorizationResponseError || err instanceof oidc.ResponseBodyError
    || (err instanceof oidc.ClientError && CHECK_FAILURES.has(err.code ?? ''));
}
