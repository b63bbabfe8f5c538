/**
 * The app as an OpenID Connect relying party (a confidential client, with openid-client):
 * authorization code + PKCE + nonce, ID token validation, refresh, RP-initiated logout.
 */
import * as client from 'openid-client';
import type { PendingLogin, SignedIn } from './session.js';

export interface RelyingPartyOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  postLogoutRedirectUri?: string;
  /** Space-separated scopes to ask for. */
  scope: string;
  /** The API the access token is for (RFC 8707 `resource`). */
  resource?: string;
}

export class RelyingParty {
  private constructor(
    private readonly config: client.Configuration,
    readonly options: RelyingPartyOptions,
  ) {}

  /** Reads the issuer's discovery document. Plain http is allowed for a loopback issuer only. */
  static async discover(options: RelyingPartyOptions): Promise<RelyingParty> {
    const issuer = new URL(options.issuer);
    const loopback = issuer.hostname === '127.0.0.1' || issuer.hostname === 'localhost' || issuer.hostname === '[::1]';
    const config = await client.discovery(
      issuer,
      options.clientId,
      options.clientSecret,
      client.ClientSecretBasic(options.clientSecret),
      issuer.protocol === 'http:' && loopback ? { execute: [client.allowInsecureRequests] } : {},
    );
    return new RelyingParty(config, options);
  }

  /** The authorization URL to send the browser to, and what the callback must check. */
  async start(): Promise<{ url: string; pending: PendingLogin }> {
    const pending: PendingLogin = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier() };
    const parameters: Record<string, string> = {
      redirect_uri: this.options.redirectUri,
      scope: this.options.scope,
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
    };
    if (this.options.resource) parameters.resource = this.options.resource;
    return { url: client.buildAuthorizationUrl(this.config, parameters).href, pending };
  }

  /**
   * Redeems the code from the callback URL. openid-client validates the ID token: its
   * signature, `iss`, `aud` (this client), `exp`, `iat` and the `nonce` of this login.
   */
  async finish(callbackUrl: URL, pending: PendingLogin): Promise<SignedIn> {
    const tokens = await client.authorizationCodeGrant(this.config, callbackUrl, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedNonce: pending.nonce,
      expectedState: pending.state,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims || !tokens.id_token) throw new Error('the token response has no ID token');
    const signedIn: SignedIn = {
      claims: { ...claims },
      idToken: tokens.id_token,
      accessToken: tokens.access_token,
      accessTokenExpiresAt: Date.now() + (tokens.expiresIn() ?? 0) * 1000,
      scope: tokens.scope ?? '',
      refreshes: 0,
    };
    if (tokens.refresh_token) signedIn.refreshToken = tokens.refresh_token;
    return signedIn;
  }

  /** A new access token (and, rotated, a new refresh token) for the same person. */
  async refresh(user: SignedIn): Promise<SignedIn> {
    if (!user.refreshToken) throw new Error('no refresh token');
    const parameters: Record<string, string> = {};
    if (this.options.resource) parameters.resource = this.options.resource;
    const tokens = await client.refreshTokenGrant(this.config, user.refreshToken, parameters);
    const next: SignedIn = {
      ...user,
      accessToken: tokens.access_token,
      accessTokenExpiresAt: Date.now() + (tokens.expiresIn() ?? 0) * 1000,
      scope: tokens.scope ?? user.scope,
      refreshes: user.refreshes + 1,
    };
    if (tokens.refresh_token) next.refreshToken = tokens.refresh_token;
    const claims = tokens.claims();
    if (tokens.id_token && claims) {
      next.idToken = tokens.id_token;
      next.claims = { ...claims };
    }
    return next;
  }

  /** Lanekeeper's logout URL (RP-initiated logout), which comes back to postLogoutRedirectUri. */
  logoutUrl(idToken: string, state: string): string {
    const parameters: Record<string, string> = { id_token_hint: idToken, state };
    if (this.options.postLogoutRedirectUri) parameters.post_logout_redirect_uri = this.options.postLogoutRedirectUri;
    return client.buildEndSessionUrl(this.config, parameters).href;
  }
}
