/**
 * The app as an OpenID Connect relying party (a confidential client, with openid-client):
 * authorization code + PKCE + nonce, ID token validation, refresh, RP-initiated logout,
 * and DPoP (RFC 9449): token requests and API calls with proofs of the session's key.
 */
import { calculateJwkThumbprint, exportJWK } from 'jose';
import * as client from 'openid-client';
import type { PendingLogin, SignedIn } from './session.js';

/** A DPoP key pair of one app session, as openid-client uses it, and its RFC 7638 thumbprint. */
export interface AppKey {
  handle: client.DPoPHandle;
  /** The thumbprint of the public key: what a bound access token's `cnf.jkt` names. */
  jkt: string;
}

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

  /** The issuer's JWKS URL, from its discovery document. */
  get jwksUri(): URL {
    const uri = this.config.serverMetadata().jwks_uri;
    if (!uri) throw new Error('the issuer publishes no jwks_uri');
    return new URL(uri);
  }

  /**
   * A new DPoP key pair for one session. The private key is not extractable: nothing,
   * not even this app's code, can copy it out of the process.
   */
  async newKey(): Promise<AppKey> {
    const keyPair = await client.randomDPoPKeyPair('ES256');
    const jkt = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey));
    return { handle: client.getDPoPHandle(this.config, keyPair), jkt };
  }

  /**
   * Redeems the code from the callback URL. openid-client validates the ID token: its
   * signature, `iss`, `aud` (this client), `exp`, `iat` and the `nonce` of this login.
   * With a DPoP key, the token request carries a proof and the access token is bound to it.
   */
  async finish(callbackUrl: URL, pending: PendingLogin, key?: AppKey): Promise<SignedIn> {
    const tokens = await client.authorizationCodeGrant(
      this.config,
      callbackUrl,
      { pkceCodeVerifier: pending.codeVerifier, expectedNonce: pending.nonce, expectedState: pending.state, idTokenExpected: true },
      undefined,
      key ? { DPoP: key.handle } : undefined,
    );
    const claims = tokens.claims();
    if (!claims || !tokens.id_token) throw new Error('the token response has no ID token');
    const signedIn: SignedIn = {
      claims: { ...claims },
      ...(typeof claims.sid === 'string' ? { sid: claims.sid } : {}),
      idToken: tokens.id_token,
      accessToken: tokens.access_token,
      accessTokenExpiresAt: Date.now() + (tokens.expiresIn() ?? 0) * 1000,
      scope: tokens.scope ?? '',
      refreshes: 0,
    };
    if (tokens.refresh_token) signedIn.refreshToken = tokens.refresh_token;
    if (key) signedIn.dpop = key;
    return signedIn;
  }

  /** A new access token (and, rotated, a new refresh token) for the same person, bound to the session's key if it has one. */
  async refresh(user: SignedIn): Promise<SignedIn> {
    if (!user.refreshToken) throw new Error('no refresh token');
    const parameters: Record<string, string> = {};
    if (this.options.resource) parameters.resource = this.options.resource;
    const tokens = await client.refreshTokenGrant(this.config, user.refreshToken, parameters, user.dpop ? { DPoP: user.dpop.handle } : undefined);
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
      if (typeof claims.sid === 'string') next.sid = claims.sid;
    }
    return next;
  }

  /**
   * Calls a resource server with a DPoP-bound access token: `Authorization: DPoP <token>`
   * and a fresh proof (`htm`, `htu`, `ath`) signed with the session's key. A refusal comes
   * back as the response, like any other answer.
   */
  async fetchWithProof(accessToken: string, url: URL, method: string, key: AppKey, body?: string, headers?: Headers): Promise<Response> {
    try {
      return await client.fetchProtectedResource(this.config, accessToken, url, method, body, headers, { DPoP: key.handle });
    } catch (error) {
      // openid-client throws when the answer carries a WWW-Authenticate challenge (401, 403).
      if (error instanceof client.WWWAuthenticateChallengeError) return error.response;
      throw error;
    }
  }

  /** Lanekeeper's logout URL (RP-initiated logout), which comes back to postLogoutRedirectUri. */
  logoutUrl(idToken: string, state: string): string {
    const parameters: Record<string, string> = { id_token_hint: idToken, state };
    if (this.options.postLogoutRedirectUri) parameters.post_logout_redirect_uri = this.options.postLogoutRedirectUri;
    return client.buildEndSessionUrl(this.config, parameters).href;
  }
}
