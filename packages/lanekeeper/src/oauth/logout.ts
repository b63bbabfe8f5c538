import { decodeProtectedHeader, jwtVerify } from 'jose';
import type { ClientRecord } from '../store/index.js';
import { nowSeconds } from '../store/index.js';
import { safeEqual, sha256 } from '../util/hash.js';
import type { OAuthContext } from './context.js';
import type { Params } from './params.js';
import { OAuthError } from './errors.js';
import { loadSession, endSession } from './session.js';
import { browserToken as bindBrowser, startInteraction, type BrowserCookies } from './authorize.js';
import { redirectUrl } from './client-response.js';
import { queueBackchannelLogout } from './backchannel.js';

export interface LogoutRequest {
  kind: 'logout';
  clientId?: string;
  postLogoutRedirectUri?: string;
  state?: string;
}

export type LogoutOutcome =
  | { kind: 'error-page'; error: string; description: string }
  | { kind: 'confirm'; interactionId: string; browserToken: string; csrf: string; clientName?: string; redirectOrigin?: string }
  | { kind: 'done'; redirect?: string; clientName?: string };

/** The client an ID token was issued to: signature and `iss` checked, `exp` not (expired hints are fine). */
async function hintedClient(ctx: OAuthContext, hint: string): Promise<string> {
  let kid: unknown;
  try {
    kid = decodeProtectedHeader(hint).kid;
  } catch {
    throw new OAuthError('invalid_request', 'id_token_hint is not a JWT');
  }
  const verifier = typeof kid === 'string' ? ctx.keys.verifier(kid) : undefined;
  if (!verifier) throw new OAuthError('invalid_request', 'id_token_hint was not signed by this server');
  try {
    const { payload } = await jwtVerify(hint, verifier.key, { issuer: ctx.issuer(), algorithms: [verifier.alg], currentDate: new Date(0), typ: 'JWT' });
    if (typeof payload.aud !== 'string') throw new Error('aud');
    return payload.aud;
  } catch {
    throw new OAuthError('invalid_request', 'id_token_hint is not an ID token issued by this server');
  }
}

/** OIDC RP-Initiated Logout 1.0: validates the request, then asks the user to confirm. */
export async function startLogout(ctx: OAuthContext, params: Params, cookies: BrowserCookies): Promise<LogoutOutcome> {
  let request: LogoutRequest;
  let client: ClientRecord | undefined;
  try {
    params.assertNoRepeats();
    const hint = params.get('id_token_hint');
    const clientIdParam = params.get('client_id');
    const hinted = hint ? await hintedClient(ctx, hint) : undefined;
    if (hinted && clientIdParam && hinted !== clientIdParam) throw new OAuthError('invalid_request', 'client_id does not match the id_token_hint');
    const clientId = hinted ?? clientIdParam;
    client = clientId ? await ctx.registry.getClient(clientId) : undefined;
    if (clientId && !client) throw new OAuthError('invalid_request', 'unknown client');
    const postLogoutRedirectUri = params.get('post_logout_redirect_uri');
    if (postLogoutRedirectUri !== undefined) {
      if (!client) throw new OAuthError('invalid_request', 'post_logout_redirect_uri needs id_token_hint or client_id');
      if (!client.postLogoutRedirectUris.includes(postLogoutRedirectUri)) throw new OAuthError('invalid_request', 'post_logout_redirect_uri is not registered for this app');
    }
    request = { kind: 'logout', clientId, postLogoutRedirectUri, state: params.get('state') };
  } catch (err) {
    if (err instanceof OAuthError) return { kind: 'error-page', error: err.error, description: err.description };
    throw err;
  }
  const clientName = client ? (client.clientName ?? client.clientId) : undefined;
  const live = await loadSession(ctx, cookies.session);
  if (!live) return { kind: 'done', redirect: afterLogout(request), clientName };
  const { interactionId, browserToken, csrf } = await startInteraction(ctx, request, live, bindBrowser(cookies.browser));
  const redirectOrigin = request.postLogoutRedirectUri ? new URL(request.postLogoutRedirectUri).origin : undefined;
  return { kind: 'confirm', interactionId, browserToken, csrf, clientName, ...(redirectOrigin ? { redirectOrigin } : {}) };
}

function afterLogout(request: LogoutRequest): string | undefined {
  if (!request.postLogoutRedirectUri) return undefined;
  return redirectUrl({ mode: 'query', redirectUri: request.postLogoutRedirectUri, params: request.state ? { state: request.state } : {} });
}

/** The confirmation form: ends the session and sends the user back to the app if it asked. */
export async function confirmLogout(
  ctx: OAuthContext,
  form: { interactionId: string | undefined; browserToken: string | undefined; csrf: string | undefined },
  sessionCookie: string | undefined,
): Promise<LogoutOutcome | { kind: 'forbidden' } | { kind: 'expired' }> {
  if (!form.interactionId || !form.browserToken) return { kind: 'expired' };
  const row = await ctx.store.sessions.getInteraction(form.interactionId, nowSeconds());
  if (!row || !safeEqual(row.browser_hash, sha256(form.browserToken))) return { kind: 'expired' };
  if (!form.csrf || !safeEqual(form.csrf, row.csrf)) return { kind: 'forbidden' };
  const request = JSON.parse(row.request) as LogoutRequest;
  if (request.kind !== 'logout') return { kind: 'expired' };
  await ctx.store.sessions.completeInteraction(row.id, nowSeconds());
  const ended = [await endSession(ctx, sessionCookie), row.session_id ? await ctx.store.sessions.end(row.session_id, nowSeconds()) : undefined];
  ctx.audit.record({ type: 'logout', actor: row.user_id ? `user:${row.user_id}` : 'user', ...(row.user_id ? { userId: row.user_id } : {}), ...(request.clientId ? { clientId: request.clientId } : {}), details: { initiated_by: 'rp' } });
  const sids = [...new Set(ended.filter((s) => s !== undefined).map((s) => s.sid))];
  const sub = ended.find((s) => s !== undefined)?.user_id;
  if (sub) await queueBackchannelLogout(ctx.store, sub, sids);
  const client = request.clientId ? await ctx.registry.getClient(request.clientId) : undefined;
  return { kind: 'done', redirect: afterLogout(request), clientName: client ? (client.clientName ?? client.clientId) : undefined };
}
