import type { ClientRecord, InteractionRow, SessionRow, UserRecord } from '../store/index.js';
import { nowSeconds } from '../store/index.js';
import { PREFIX } from '../util/prefixes.js';
import { randomId, randomToken, sha256 } from '../util/hash.js';
import { CODE_TTL, INTERACTION_TTL, lifetimesFor } from '../tokens/lifetimes.js';
import type { OAuthContext } from './context.js';
import { OAuthError } from './errors.js';
import type { Params } from './params.js';
import { AuthorizeError, parseAuthorizationRequest, trustedTarget, type AuthorizationRequest, type TrustedTarget } from './authorize-request.js';
import type { ClientResponse } from './client-response.js';
import { loadSession } from './session.js';
import { needsConsent, proposeGrant } from './consent.js';
import type { GrantDetails } from './grant-details.js';
import { isPublicClient } from './issue-user-tokens.js';

export type AuthorizeOutcome =
  | { kind: 'error-page'; status: number; error: string; description: string }
  | { kind: 'respond'; response: ClientResponse }
  | { kind: 'interact'; step: 'login' | 'consent'; interactionId: string; browserToken: string };

export function errorResponse(target: { redirectUri: string; state?: string; responseMode: 'query' | 'form_post' }, issuer: string, error: string, description: string): ClientResponse {
  const params: Record<string, string> = { error, error_description: description, iss: issuer };
  if (target.state !== undefined) params.state = target.state;
  return { mode: target.responseMode, redirectUri: target.redirectUri, params };
}

/** The authorization endpoint (OAuth 2.1 §4.1.1, OIDC Core §3.1.2). */
export interface BrowserCookies {
  session: string | undefined;
  /** A random value bound to this browser; interactions can only be continued by the browser holding it. */
  browser: string | undefined;
}

/** The browser-binding value to use: the cookie's if it looks like ours, else a new one. */
export function browserToken(cookie: string | undefined): string {
  return cookie && /^[A-Za-z0-9_-]{43}$/.test(cookie) ? cookie : randomToken('');
}

export async function authorize(ctx: OAuthContext, params: Params, cookies: BrowserCookies): Promise<AuthorizeOutcome> {
  let target: TrustedTarget;
  try {
    target = await trustedTarget(ctx, params);
  } catch (err) {
    if (err instanceof OAuthError) return { kind: 'error-page', status: 400, error: err.error, description: err.description };
    throw err;
  }
  let request: AuthorizationRequest;
  try {
    request = await parseAuthorizationRequest(ctx, params, target);
  } catch (err) {
    if (err instanceof AuthorizeError) return { kind: 'respond', response: errorResponse(target, ctx.issuer(), err.error, err.description) };
    throw err;
  }
  const now = nowSeconds();
  const live = await loadSession(ctx, cookies.session);
  const tooOld = live && request.maxAge !== undefined && now - Number(live.session.auth_time) > request.maxAge;
  const mustLogin = !live || request.prompt.includes('login') || tooOld;
  if (mustLogin && request.prompt.includes('none')) return { kind: 'respond', response: errorResponse(request, ctx.issuer(), 'login_required', 'the user is not signed in') };

  if (!mustLogin) {
    const grant = await proposeGrant(ctx, target.client, request, live!.user);
    if (!(await needsConsent(ctx, target.client, live!.user, grant, request))) {
      return { kind: 'respond', response: await finishAuthorization(ctx, target.client, request, live!.user, live!.session) };
    }
    if (request.prompt.includes('none')) return { kind: 'respond', response: errorResponse(request, ctx.issuer(), 'consent_required', 'the user has not consented to this request') };
  }
  const interaction = await startInteraction(ctx, request, mustLogin ? undefined : live, browserToken(cookies.browser));
  return { kind: 'interact', step: mustLogin ? 'login' : 'consent', interactionId: interaction.interactionId, browserToken: interaction.browserToken };
}

export async function startInteraction(
  ctx: OAuthContext,
  request: object,
  live: { user: UserRecord; session: SessionRow } | undefined,
  browserToken: string,
): Promise<{ interactionId: string; browserToken: string; csrf: string }> {
  const now = nowSeconds();
  const row: InteractionRow = {
    id: randomId('', 24),
    browser_hash: sha256(browserToken),
    csrf: randomToken(''),
    request: JSON.stringify(request),
    user_id: live?.user.id ?? null,
    session_id: live?.session.id ?? null,
    created_at: now,
    expires_at: now + INTERACTION_TTL,
    completed_at: null,
  };
  await ctx.store.sessions.createInteraction(row);
  return { interactionId: row.id, browserToken, csrf: row.csrf };
}


/** Records the grant and issues a single-use code (60 s) for the client. */
export async function finishAuthorization(ctx: OAuthContext, client: ClientRecord, request: AuthorizationRequest, user: UserRecord, session: SessionRow): Promise<ClientResponse> {
  const now = nowSeconds();
  const proposed = await proposeGrant(ctx, client, request, user);
  const details: GrantDetails = {
    apis: proposed.apis,
    oidcScopes: proposed.oidcScopes,
    offline: proposed.offline,
    authTime: Number(session.auth_time),
    amr: JSON.parse(session.amr) as string[],
    sid: session.sid,
  };
  const grantId = randomId(PREFIX.grant);
  await ctx.store.grants.create({
    id: grantId,
    kind: 'authorization_code',
    client_id: client.clientId,
    sub: user.id,
    created_at: now,
    revoked_at: null,
    revoked_reason: null,
    session_id: session.sid,
    details: JSON.stringify(details),
    expires_at: now + lifetimesFor(isPublicClient(client), ctx.lifetimes).refreshToken,
  });
  const code = randomToken(PREFIX.code);
  await ctx.store.codes.insertCode({
    code_hash: sha256(code),
    grant_id: grantId,
    client_id: client.clientId,
    redirect_uri: request.redirectUri,
    code_challenge: request.codeChallenge,
    nonce: request.nonce ?? null,
    expires_at: now + CODE_TTL,
    used_at: null,
    jkt: request.dpopJkt ?? null,
  });
  const params: Record<string, string> = { code, iss: ctx.issuer() };
  if (request.state !== undefined) params.state = request.state;
  return { mode: request.responseMode, redirectUri: request.redirectUri, params };
}
