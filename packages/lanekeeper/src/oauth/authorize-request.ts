import type { ApiRecord, ClientRecord } from '../store/index.js';
import { OIDC_SCOPES } from '../users/claims.js';
import type { OAuthContext } from './context.js';
import { OAuthError } from './errors.js';
import { splitScope, type Params } from './params.js';
import { isValidChallenge } from './pkce.js';
import { matchRedirectUri } from './redirect-uri.js';
import { requestedResources } from './target.js';

export type Prompt = 'none' | 'login' | 'consent';

/** A validated authorization request, kept server-side while the user logs in and consents. */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  state?: string;
  nonce?: string;
  responseMode: 'query' | 'form_post';
  codeChallenge: string;
  /** openid, profile, email, address, phone, offline_access as asked. */
  oidcScopes: string[];
  /** API identifier → scopes asked there (empty: every scope the client may use there). */
  apis: Record<string, string[]>;
  prompt: Prompt[];
  maxAge?: number;
  loginHint?: string;
  /** RFC 9449 §10: bind the code to this DPoP key. */
  dpopJkt?: string;
}

/** Where an authorization error goes: a page when the client or redirect URI can't be trusted. */
export class AuthorizeError extends OAuthError {
  constructor(
    error: ConstructorParameters<typeof OAuthError>[0],
    description: string,
    readonly redirectable: boolean,
  ) {
    super(error, description);
  }
}

export interface TrustedTarget {
  client: ClientRecord;
  redirectUri: string;
  state?: string;
  responseMode: 'query' | 'form_post';
}

/** RFC 8252 §7.3: a public native client's loopback redirect may change port; a self-registered web client's may not. */
function loopbackPortMayVary(client: ClientRecord): boolean {
  return client.tokenEndpointAuthMethod === 'none' && client.applicationType !== 'web';
}

/** Step 1: is there a client and a registered redirect URI to send errors to? If not, an error page. */
export async function trustedTarget(ctx: OAuthContext, params: Params): Promise<TrustedTarget> {
  const page = (description: string) => new AuthorizeError('invalid_request', description, false);
  let clientId: string | undefined;
  let redirectUri: string | undefined;
  try {
    clientId = params.get('client_id');
    redirectUri = params.get('redirect_uri');
  } catch (err) {
    throw page((err as OAuthError).description);
  }
  if (!clientId) throw page('the request has no client_id');
  // A client_id that names a metadata document is fetched here: a failure is a page too.
  const lookup = await ctx.registry.lookupClient(clientId);
  const client = lookup.client;
  if (!client) throw page(lookup.problem);
  if (!client.grantTypes.includes('authorization_code')) throw page('the app that sent you here is not registered for sign-in');
  if (!redirectUri) throw page('the request has no redirect_uri');
  if (!matchRedirectUri(redirectUri, client.redirectUris, loopbackPortMayVary(client))) throw page('the redirect_uri is not registered for this app, so you were not sent back to it');
  let state: string | undefined;
  let responseMode: string | undefined;
  try {
    state = params.get('state');
    responseMode = params.get('response_mode');
  } catch {
    /* reported in step 2 */
  }
  return { client, redirectUri, state, responseMode: responseMode === 'form_post' ? 'form_post' : 'query' };
}

/** The APIs a request names, or the client's default API, or the one API the asked scopes belong to. */
async function resolveApis(ctx: OAuthContext, client: ClientRecord, params: Params, apiScopes: string[]): Promise<ApiRecord[]> {
  let named: string[];
  try {
    named = requestedResources(params);
  } catch (err) {
    throw new AuthorizeError('invalid_target', (err as OAuthError).description, true);
  }
  if (named.length === 0 && client.defaultApi) named = [client.defaultApi];
  if (named.length === 0 && apiScopes.length > 0) {
    const candidates: ApiRecord[] = [];
    for (const id of Object.keys(client.apis)) {
      const api = await ctx.registry.getApi(id);
      if (api && apiScopes.every((s) => s in api.scopes)) candidates.push(api);
    }
    if (candidates.length !== 1) throw new AuthorizeError('invalid_target', 'name the API with the "resource" (or "audience") parameter', true);
    return candidates;
  }
  const apis: ApiRecord[] = [];
  for (const id of named) {
    const api = await ctx.registry.getApi(id);
    if (!api || !(id in client.apis)) throw new AuthorizeError('invalid_target', `this app may not get tokens for "${id}"`, true);
    apis.push(api);
  }
  return apis;
}

/** Step 2: the rest of the request; errors are redirected to the client. */
export async function parseAuthorizationRequest(ctx: OAuthContext, params: Params, target: TrustedTarget): Promise<AuthorizationRequest> {
  const fail = (error: ConstructorParameters<typeof OAuthError>[0], description: string) => new AuthorizeError(error, description, true);
  try {
    params.assertNoRepeats();
  } catch (err) {
    throw fail('invalid_request', (err as OAuthError).description);
  }
  const { client } = target;
  if (params.has('request')) throw fail('request_not_supported', 'request objects are not supported');
  if (params.has('request_uri')) throw fail('request_uri_not_supported', 'request_uri is not supported');
  const responseType = params.get('response_type');
  if (responseType !== 'code') throw fail('unsupported_response_type', 'response_type must be "code"');
  const responseMode = params.get('response_mode');
  if (responseMode !== undefined && responseMode !== 'query' && responseMode !== 'form_post') throw fail('invalid_request', 'response_mode must be "query" or "form_post"');

  const challenge = params.get('code_challenge');
  const method = params.get('code_challenge_method');
  if (challenge === undefined) throw fail('invalid_request', 'PKCE is required: send code_challenge with code_challenge_method=S256');
  if (method !== 'S256') throw fail('invalid_request', 'code_challenge_method must be S256 ("plain" is not accepted)');
  if (!isValidChallenge(challenge)) throw fail('invalid_request', 'code_challenge must be the base64url SHA-256 of the verifier (43 characters)');

  const scopes = splitScope(params.get('scope'));
  const oidcScopes = scopes.filter((s) => OIDC_SCOPES.has(s));
  const apiScopes = scopes.filter((s) => !OIDC_SCOPES.has(s));
  const apis = await resolveApis(ctx, client, params, apiScopes);
  const byApi: Record<string, string[]> = {};
  for (const api of apis) byApi[api.identifier] = apiScopes.filter((s) => s in api.scopes);
  const unclaimed = apiScopes.filter((s) => !apis.some((a) => s in a.scopes));
  if (unclaimed.length) throw fail('invalid_scope', `no requested API defines ${unclaimed.map((s) => `"${s}"`).join(', ')}`);
  for (const api of apis) {
    const allowed = new Set(client.apis[api.identifier] ?? []);
    const refused = byApi[api.identifier]!.filter((s) => !allowed.has(s));
    if (refused.length) throw fail('invalid_scope', `this app may not use ${refused.map((s) => `"${s}"`).join(', ')} at ${api.identifier}`);
  }
  if (apis.length === 0 && !oidcScopes.includes('openid')) throw fail('invalid_scope', 'ask for "openid" or name an API');

  const prompt = splitScope(params.get('prompt'));
  for (const p of prompt) if (p !== 'none' && p !== 'login' && p !== 'consent') throw fail('invalid_request', `prompt "${p}" is not supported`);
  if (prompt.includes('none') && prompt.length > 1) throw fail('invalid_request', 'prompt=none cannot be combined with other values');

  const maxAgeRaw = params.get('max_age');
  let maxAge: number | undefined;
  if (maxAgeRaw !== undefined) {
    maxAge = Number(maxAgeRaw);
    if (!/^\d+$/.test(maxAgeRaw) || !Number.isSafeInteger(maxAge)) throw fail('invalid_request', 'max_age must be a number of seconds');
  }
  const nonce = params.get('nonce');
  if (nonce !== undefined && nonce.length > 512) throw fail('invalid_request', 'nonce is too long');
  const state = params.get('state');
  if (state !== undefined && state.length > 2048) throw fail('invalid_request', 'state is too long');

  const dpopJkt = params.get('dpop_jkt');
  if (dpopJkt !== undefined && !/^[A-Za-z0-9_-]{43}$/.test(dpopJkt)) throw fail('invalid_request', 'dpop_jkt must be a base64url SHA-256 JWK thumbprint');

  return {
    ...(dpopJkt ? { dpopJkt } : {}),
    clientId: client.clientId,
    redirectUri: target.redirectUri,
    state,
    nonce,
    responseMode: target.responseMode,
    codeChallenge: challenge,
    oidcScopes,
    apis: byApi,
    prompt: prompt as Prompt[],
    maxAge,
    loginHint: params.get('login_hint'),
  };
}
