import type { ClientRecord, UserRecord } from '../store/index.js';
import type { OAuthContext } from './context.js';
import type { AuthorizationRequest } from './authorize-request.js';

/** What a user would grant an app for this request: per API, the scopes left after every cap. */
export interface ProposedGrant {
  apis: Record<string, string[]>;
  oidcScopes: string[];
  offline: boolean;
}

/**
 * Scopes granted = requested ∩ scopes the API defines ∩ scopes the client may use ∩ the
 * user's permissions. Scopes the user lacks are left out (the token response says what was granted).
 */
export async function proposeGrant(ctx: OAuthContext, client: ClientRecord, request: AuthorizationRequest, user: UserRecord): Promise<ProposedGrant> {
  const permissions = await ctx.users.permissions(user);
  const apis: Record<string, string[]> = {};
  for (const [identifier, asked] of Object.entries(request.apis)) {
    const api = await ctx.registry.getApi(identifier);
    if (!api) continue;
    const clientAllowed = new Set(client.apis[identifier] ?? []);
    const userAllowed = new Set(permissions[identifier] ?? []);
    const wanted = asked.length ? asked : [...clientAllowed];
    apis[identifier] = wanted.filter((s) => s in api.scopes && clientAllowed.has(s) && userAllowed.has(s));
  }
  const offline = client.grantTypes.includes('refresh_token') && (request.oidcScopes.includes('offline_access') || client.firstParty);
  return { apis, oidcScopes: request.oidcScopes.filter((s) => s !== 'offline_access'), offline };
}

/** Consent is remembered as a list of keys: OIDC scopes as they are, API scopes as "<api> <scope>". */
export function consentKeys(grant: ProposedGrant, askedOffline: boolean): string[] {
  const keys = [...grant.oidcScopes];
  if (askedOffline && grant.offline) keys.push('offline_access');
  for (const [api, scopes] of Object.entries(grant.apis)) for (const s of scopes) keys.push(`${api} ${s}`);
  return keys;
}

export async function needsConsent(ctx: OAuthContext, client: ClientRecord, user: UserRecord, grant: ProposedGrant, request: AuthorizationRequest): Promise<boolean> {
  if (client.firstParty) return false;
  // An app known only by its self-published metadata document: the person confirms it every time.
  if (client.source === 'metadata_document') return true;
  if (request.prompt.includes('consent')) return true;
  const remembered = new Set(await ctx.store.sessions.getConsent(user.id, client.clientId));
  return consentKeys(grant, request.oidcScopes.includes('offline_access')).some((k) => !remembered.has(k));
}
