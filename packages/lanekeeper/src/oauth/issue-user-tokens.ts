import type { ApiRecord, ClientRecord, GrantRow, UserRecord } from '../store/index.js';
import { mintAccessToken } from '../tokens/access-token.js';
import { mintIdToken } from '../tokens/id-token.js';
import { ID_TOKEN_RESERVED, withoutReserved } from '../tokens/hooks.js';
import { ID_TOKEN_TTL, lifetimesFor } from '../tokens/lifetimes.js';
import { RESERVED_CLAIMS } from '../tokens/access-token.js';
import { claimsForScopes } from '../users/claims.js';
import { PREFIX } from '../util/prefixes.js';
import { randomToken, sha256 } from '../util/hash.js';
import { endpoints, type OAuthContext } from './context.js';
import { OAuthError } from './errors.js';
import type { GrantDetails } from './grant-details.js';
import { requestedResources } from './target.js';
import type { Params } from './params.js';
import type { TokenResponse } from './grants/token-response.js';

export function isPublicClient(client: ClientRecord): boolean {
  return client.tokenEndpointAuthMethod === 'none';
}

/** The one API this token is for: `resource` picks among the grant's APIs; with one, it may be omitted. */
export async function pickGrantApi(ctx: OAuthContext, details: GrantDetails, params: Params): Promise<ApiRecord | undefined> {
  const named = requestedResources(params);
  if (named.length > 1) throw new OAuthError('invalid_target', 'a token request may name one API only (one token, one audience)');
  const granted = Object.keys(details.apis);
  const id = named[0] ?? (granted.length === 1 ? granted[0] : undefined);
  if (id === undefined) {
    if (granted.length > 1) throw new OAuthError('invalid_target', `this grant covers several APIs: name one with "resource" (${granted.join(', ')})`);
    return undefined;
  }
  if (!granted.includes(id)) throw new OAuthError('invalid_target', `"${id}" was not granted to this app`);
  const api = await ctx.registry.getApi(id);
  if (!api) throw new OAuthError('invalid_target', `"${id}" no longer exists`);
  return api;
}

export interface IssueInput {
  client: ClientRecord;
  grant: GrantRow;
  details: GrantDetails;
  user: UserRecord;
  api: ApiRecord | undefined;
  /** API scopes for this token (already capped by the user's current permissions). */
  apiScopes: string[];
  /** OIDC scopes for this token (openid, profile, …). */
  oidcScopes: string[];
  nonce?: string;
  refresh: boolean;
  now: number;
  grantType: 'authorization_code' | 'refresh_token';
  /** DPoP key thumbprint: binds the access token (and a public client's refresh token). */
  jkt?: string;
}

/** Mints the human lane's tokens: an access token for one API, an ID token, and a refresh token. */
export async function issueUserTokens(ctx: OAuthContext, input: IssueInput): Promise<TokenResponse> {
  const { client, grant, details, user, api, now } = input;
  const issuer = ctx.issuer();
  const openid = input.oidcScopes.includes('openid');
  const userinfo = endpoints(issuer).userinfo;
  const audience = api ? (openid ? [api.identifier, userinfo] : api.identifier) : userinfo;
  const lifetimes = lifetimesFor(isPublicClient(client), ctx.lifetimes);
  const ttl = Math.min(api?.accessTokenTtl ?? ctx.accessTokenTtl, lifetimes.accessToken);
  const scopes = [...input.apiScopes, ...input.oidcScopes.filter((s) => s !== 'offline_access')];
  const hookContext = {
    client: { clientId: client.clientId, clientName: client.clientName },
    ...(api ? { api: { identifier: api.identifier, name: api.name } } : {}),
    user: { sub: user.id, email: user.email, claims: user.claims },
    scopes,
  };
  const extraClaims = ctx.hooks.accessTokenClaims ? withoutReserved(await ctx.hooks.accessTokenClaims(hookContext), RESERVED_CLAIMS) : undefined;
  const access = await mintAccessToken(ctx.keys, {
    issuer,
    audience,
    sub: user.id,
    clientId: client.clientId,
    scopes,
    ttl,
    grantId: grant.id,
    format: api?.tokenFormat ?? 'jwt',
    alg: api?.signingAlg ?? client.idTokenSignedResponseAlg,
    now,
    extraClaims,
    ...(input.jkt ? { jkt: input.jkt } : {}),
  });
  if (access.tokenHash) {
    await ctx.store.opaqueTokens.insert({
      token_hash: access.tokenHash,
      grant_id: grant.id,
      client_id: client.clientId,
      sub: user.id,
      aud: JSON.stringify(Array.isArray(audience) ? audience : [audience]),
      scope: scopes.join(' '),
      jti: access.jti,
      issued_at: now,
      expires_at: access.expiresAt,
      revoked_at: null,
      jkt: input.jkt ?? null,
    });
  }
  ctx.audit.record({
    type: 'token.issued',
    actor: `client:${client.clientId}`,
    userId: user.id,
    clientId: client.clientId,
    details: { grant_type: input.grantType, api: api?.identifier ?? userinfo, token_format: api?.tokenFormat ?? 'jwt', scope: scopes.join(' '), dpop: Boolean(input.jkt), refresh_token: input.refresh },
  });
  const response: TokenResponse = { access_token: access.token, token_type: input.jkt ? 'DPoP' : 'Bearer', expires_in: access.expiresAt - now, scope: scopes.join(' ') };

  if (openid) {
    const custom = ctx.hooks.idTokenClaims ? withoutReserved(await ctx.hooks.idTokenClaims({ ...hookContext, api: undefined }), ID_TOKEN_RESERVED) : {};
    response.id_token = await mintIdToken(ctx.keys, {
      issuer,
      sub: user.id,
      clientId: client.clientId,
      alg: client.idTokenSignedResponseAlg,
      now,
      ttl: ID_TOKEN_TTL,
      authTime: details.authTime,
      sid: details.sid,
      nonce: input.nonce,
      accessToken: access.token,
      amr: details.amr,
      // ISO/IEC 29115 level 1: a single factor (a password).
      acr: '1',
      claims: { ...custom, ...claimsForScopes(user, input.oidcScopes) },
    });
  }

  if (input.refresh) {
    const refreshToken = randomToken(PREFIX.refreshToken);
    const familyEnd = grant.expires_at ?? now + lifetimes.refreshToken;
    await ctx.store.codes.insertRefreshToken({
      token_hash: sha256(refreshToken),
      grant_id: grant.id,
      client_id: client.clientId,
      issued_at: now,
      expires_at: Math.min(Number(familyEnd), now + lifetimes.refreshTokenIdle),
      rotated_at: null,
      // Public clients' refresh tokens are bound to the key; confidential ones by client authentication (RFC 9449 §5).
      jkt: isPublicClient(client) ? (input.jkt ?? null) : null,
    });
    response.refresh_token = refreshToken;
  }
  return response;
}

/** Granted API scopes still allowed by the user's current permissions (refresh re-applies them). */
export async function currentApiScopes(ctx: OAuthContext, user: UserRecord, details: GrantDetails, api: ApiRecord | undefined, requested?: string[]): Promise<string[]> {
  if (!api) return [];
  const permitted = new Set((await ctx.users.permissions(user))[api.identifier] ?? []);
  const granted = details.apis[api.identifier] ?? [];
  const wanted = requested ? granted.filter((s) => requested.includes(s)) : granted;
  return wanted.filter((s) => permitted.has(s) && s in api.scopes);
}
