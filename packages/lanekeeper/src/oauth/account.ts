import { nowSeconds } from '../store/index.js';
import { safeEqual, sha256 } from '../util/hash.js';
import { PROFILE_WORDS } from './consent-view.js';
import type { OAuthContext } from './context.js';
import type { LiveSession } from './session.js';

export interface AccountView {
  email: string;
  name?: string;
  apps: { clientId: string; clientName: string; allowed: string[]; since: string }[];
}

/** The account page's CSRF token: bound to the session cookie, which only this browser holds. */
export function accountCsrf(sessionCookie: string): string {
  return sha256(`account-csrf:${sessionCookie}`);
}

export function checkAccountCsrf(sessionCookie: string, token: string | undefined): boolean {
  return token !== undefined && safeEqual(token, accountCsrf(sessionCookie));
}

/** The apps the person allowed, each consent in words. */
export async function accountView(ctx: OAuthContext, live: LiveSession): Promise<AccountView> {
  const apps: AccountView['apps'] = [];
  for (const consent of await ctx.store.sessions.listConsents(live.user.id)) {
    const client = await ctx.registry.getClient(consent.clientId);
    const allowed: string[] = [];
    for (const key of consent.scopes) {
      const space = key.lastIndexOf(' ');
      if (space < 0) {
        if (key === 'offline_access') allowed.push('Stay signed in (keep access while you are away)');
        else if (PROFILE_WORDS[key]) allowed.push(PROFILE_WORDS[key]!);
        continue;
      }
      const api = await ctx.registry.getApi(key.slice(0, space));
      const scope = key.slice(space + 1);
      allowed.push(api ? `${api.name}: ${api.scopes[scope] ?? scope}` : scope);
    }
    apps.push({ clientId: consent.clientId, clientName: client?.clientName ?? consent.clientId, allowed, since: new Date(consent.createdAt * 1000).toISOString().slice(0, 10) });
  }
  const name = typeof live.user.claims.name === 'string' ? live.user.claims.name : undefined;
  return { email: live.user.email, ...(name ? { name } : {}), apps };
}

/** "Remove access": forget the consent and revoke the app's grants (its refresh tokens stop working). */
export async function revokeAppAccess(ctx: OAuthContext, live: LiveSession, clientId: string): Promise<boolean> {
  const consents = await ctx.store.sessions.listConsents(live.user.id);
  if (!consents.some((c) => c.clientId === clientId)) return false;
  const now = nowSeconds();
  await ctx.store.sessions.removeConsent(live.user.id, clientId);
  await ctx.store.grants.revokeForClient(live.user.id, clientId, now, 'user_removed_access');
  ctx.audit.record({ type: 'consent.revoked', actor: `user:${live.user.id}`, userId: live.user.id, clientId, details: { via: 'account page' } });
  return true;
}
