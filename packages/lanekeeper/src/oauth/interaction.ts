import type { ClientRecord, InteractionRow, UserRecord } from '../store/index.js';
import { nowSeconds } from '../store/index.js';
import { safeEqual, sha256 } from '../util/hash.js';
import { normalizeEmail } from '../users/email.js';
import type { OAuthContext } from './context.js';
import type { AuthorizationRequest } from './authorize-request.js';
import type { ClientResponse } from './client-response.js';
import { errorResponse, finishAuthorization } from './authorize.js';
import { consentKeys, needsConsent, proposeGrant } from './consent.js';
import { createSession, loadSession } from './session.js';

export interface FormInput {
  interactionId: string | undefined;
  browserToken: string | undefined;
  csrf: string | undefined;
}

export type StepOutcome =
  | { kind: 'expired' }
  | { kind: 'forbidden' }
  | { kind: 'login-error'; message: string; email: string; retryAfter?: number }
  | { kind: 'consent'; interactionId: string; sessionCookie?: string }
  | { kind: 'respond'; response: ClientResponse; sessionCookie?: string };

export const GENERIC_LOGIN_ERROR = 'The email or password is incorrect.';
export const THROTTLED_LOGIN_ERROR = 'Too many failed attempts. Wait a few minutes, then try again.';

export interface ActiveInteraction {
  row: InteractionRow;
  request: AuthorizationRequest;
  client: ClientRecord;
}

/** The interaction, if it is live and belongs to this browser (the binding cookie matches). */
export async function loadInteraction(ctx: OAuthContext, id: string | undefined, browserToken: string | undefined): Promise<ActiveInteraction | undefined> {
  if (!id || !browserToken || id.length > 100) return undefined;
  const row = await ctx.store.sessions.getInteraction(id, nowSeconds());
  if (!row || !safeEqual(row.browser_hash, sha256(browserToken))) return undefined;
  const request = JSON.parse(row.request) as AuthorizationRequest & { kind?: string };
  if (request.kind === 'logout') return undefined;
  const client = await ctx.registry.getClient(request.clientId);
  if (!client) return undefined;
  return { row, request, client };
}

async function checkForm(ctx: OAuthContext, form: FormInput): Promise<ActiveInteraction | 'expired' | 'forbidden'> {
  const active = await loadInteraction(ctx, form.interactionId, form.browserToken);
  if (!active) return 'expired';
  if (!form.csrf || !safeEqual(form.csrf, active.row.csrf)) return 'forbidden';
  return active;
}

async function completeFor(ctx: OAuthContext, active: ActiveInteraction, user: UserRecord, sessionCookie?: string): Promise<StepOutcome> {
  const live = sessionCookie ? await loadSession(ctx, sessionCookie) : undefined;
  const session = live?.session ?? (active.row.session_id ? await ctx.store.sessions.findLive(active.row.session_id, nowSeconds()) : undefined);
  if (!session) return { kind: 'expired' };
  if (!(await ctx.store.sessions.completeInteraction(active.row.id, nowSeconds()))) return { kind: 'expired' };
  return { kind: 'respond', response: await finishAuthorization(ctx, active.client, active.request, user, session), ...(sessionCookie ? { sessionCookie } : {}) };
}

/** The login form: checks the password (rate-limited per account and per IP), then consent or done. */
export async function submitLogin(ctx: OAuthContext, form: FormInput & { email: string; password: string; ip: string }): Promise<StepOutcome> {
  const checked = await checkForm(ctx, form);
  if (typeof checked === 'string') return { kind: checked };
  const now = nowSeconds();
  const accountKey = `login:account:${sha256(normalizeEmail(form.email))}`;
  const ipKey = `login:ip:${form.ip}`;
  const { maxFailures, maxFailuresPerIp, window } = ctx.login;
  if ((await ctx.store.rateLimits.peek(accountKey, now)) >= maxFailures || (await ctx.store.rateLimits.peek(ipKey, now)) >= maxFailuresPerIp) {
    ctx.audit.record({ type: 'login.failed', actor: `ip:${form.ip}`, clientId: checked.client.clientId, details: { reason: 'throttled', email: normalizeEmail(form.email).slice(0, 320) } });
    return { kind: 'login-error', message: THROTTLED_LOGIN_ERROR, email: form.email, retryAfter: window };
  }
  const user = await ctx.users.authenticate(form.email, form.password);
  if (!user) {
    await ctx.store.rateLimits.hit(accountKey, now, window);
    await ctx.store.rateLimits.hit(ipKey, now, window);
    ctx.audit.record({ type: 'login.failed', actor: `ip:${form.ip}`, clientId: checked.client.clientId, details: { reason: 'bad_credentials', email: normalizeEmail(form.email).slice(0, 320) } });
    return { kind: 'login-error', message: GENERIC_LOGIN_ERROR, email: form.email };
  }
  await ctx.store.rateLimits.clear(accountKey);
  ctx.audit.record({ type: 'login.succeeded', actor: `user:${user.id}`, userId: user.id, clientId: checked.client.clientId, details: { method: 'password', ip: form.ip } });
  const { cookie, session } = await createSession(ctx, user, ['pwd']);
  await ctx.store.sessions.setInteractionUser(checked.row.id, user.id, session.id);
  const grant = await proposeGrant(ctx, checked.client, checked.request, user);
  const mustConsent = await needsConsent(ctx, checked.client, user, grant, { ...checked.request, prompt: checked.request.prompt.filter((p) => p !== 'login') });
  if (mustConsent) return { kind: 'consent', interactionId: checked.row.id, sessionCookie: cookie };
  return completeFor(ctx, checked, user, cookie);
}

/** The consent form: allow records the consent and finishes; deny tells the app access_denied. */
export async function submitConsent(ctx: OAuthContext, form: FormInput & { decision: string | undefined }): Promise<StepOutcome> {
  const checked = await checkForm(ctx, form);
  if (typeof checked === 'string') return { kind: checked };
  if (!checked.row.user_id) return { kind: 'expired' };
  const user = await ctx.users.get(checked.row.user_id);
  if (!user || user.disabledAt !== null) return { kind: 'expired' };
  if (form.decision !== 'allow') {
    await ctx.store.sessions.completeInteraction(checked.row.id, nowSeconds());
    return { kind: 'respond', response: errorResponse(checked.request, ctx.issuer(), 'access_denied', 'the user denied the request') };
  }
  const grant = await proposeGrant(ctx, checked.client, checked.request, user);
  const remembered = await ctx.store.sessions.getConsent(user.id, checked.client.clientId);
  const keys = [...new Set([...remembered, ...consentKeys(grant, checked.request.oidcScopes.includes('offline_access'))])];
  await ctx.store.sessions.saveConsent(user.id, checked.client.clientId, keys, nowSeconds());
  ctx.audit.record({ type: 'consent.granted', actor: `user:${user.id}`, userId: user.id, clientId: checked.client.clientId, details: { scopes: keys } });
  return completeFor(ctx, checked, user);
}
