/**
 * Sign-in through OpenID Connect (ProConnect, Keycloak, ...): authorization code with PKCE. The provider proves the
 * email; the `users` table says which role and collectivity it has here.
 */
import * as oidc from 'openid-client';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export interface OidcStart {
  url: string;
  /** Kept in a signed cookie until the provider sends the person back. */
  state: string;
  verifier: string;
}

export class OidcSignIn {
  private config?: Promise<oidc.Configuration>;

  constructor(private readonly settings: OidcSettings) {}

  private configuration(): Promise<oidc.Configuration> {
    const { issuer, clientId, clientSecret } = this.settings;
    // An http issuer is a local Keycloak in development; production issuers are https.
    const insecure = issuer.startsWith('http://') ? { execute: [oidc.allowInsecureRequests] } : undefined;
    this.config ??= oidc.discovery(new URL(issuer), clientId, clientSecret, undefined, insecure).catch((err: unknown) => {
      this.config = undefined;
      throw err;
    });
    return this.config;
  }

  async start(): Promise<OidcStart> {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(await this.configuration(), {
      redirect_uri: this.settings.redirectUri,
      scope: 'openid email profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    return { url: url.href, state, verifier };
  }

  /** The verified email of the person the provider sent back. */
  async finish(callbackUrl: URL, expected: { state: string; verifier: string }): Promise<string> {
    const tokens = await oidc.authorizationCodeGrant(await this.configuration(), callbackUrl, {
      pkceCodeVerifier: expected.verifier,
      expectedState: expected.state,
    });
    const claims = tokens.claims();
    // Keycloak puts the email in the ID token; ProConnect only serves it from the userinfo endpoint.
    const email = claims?.email ?? (claims ? (await oidc.fetchUserInfo(await this.configuration(), tokens.access_token, claims.sub)).email : undefined);
    if (typeof email !== 'string') throw new Error('le fournisseur d’identité n’a pas transmis d’adresse mail');
    return email.toLowerCase();
  }
}
