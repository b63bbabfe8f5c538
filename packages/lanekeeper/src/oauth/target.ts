import type { ApiRecord, ClientRecord } from '../store/index.js';
import { OAuthError } from './errors.js';
import type { Params } from './params.js';
import type { OAuthContext } from './context.js';

/**
 * The APIs a request names: RFC 8707 `resource` (repeatable) and the Auth0-style `audience`.
 * Both are matched as exact strings; together they must agree.
 */
export function requestedResources(params: Params): string[] {
  const resources = params.getAll('resource');
  const audience = params.get('audience');
  for (const r of resources) {
    let url: URL;
    try {
      url = new URL(r);
    } catch {
      throw new OAuthError('invalid_target', `resource "${r}" is not an absolute URI`);
    }
    if (url.hash) throw new OAuthError('invalid_target', 'resource must not contain a fragment');
  }
  if (audience !== undefined && resources.length > 0 && resources.some((r) => r !== audience)) {
    throw new OAuthError('invalid_target', 'resource and audience name different APIs');
  }
  const all = audience !== undefined ? [audience, ...resources] : resources;
  return [...new Set(all)];
}

/**
 * Picks the one API an access token will be for (one token, one API, RFC 9068 §3):
 * the API the request names, else the client's default API, else the client's only API.
 */
export async function resolveTokenApi(ctx: OAuthContext, client: ClientRecord, params: Params): Promise<ApiRecord> {
  const named = requestedResources(params);
  if (named.length > 1) throw new OAuthError('invalid_target', 'a token request may name one API only (one token, one audience); request one token per API');
  let identifier = named[0];
  if (identifier === undefined) {
    const allowed = Object.keys(client.apis);
    identifier = client.defaultApi ?? (allowed.length === 1 ? allowed[0] : undefined);
    if (identifier === undefined) throw new OAuthError('invalid_target', 'name the API with the "resource" (or "audience") parameter');
  }
  const api = await ctx.registry.getApi(identifier);
  if (!api || !(identifier in client.apis)) throw new OAuthError('invalid_target', `this client may not get tokens for "${identifier}"`);
  return api;
}

/**
 * Scopes granted for an API: requested ∩ scopes the API defines ∩ scopes the client may use
 * (∩ the user's permissions, for the human lane). None requested → all the client may use.
 * A requested scope outside that set is refused, never silently dropped.
 */
export function resolveScopes(requested: string[], api: ApiRecord, client: ClientRecord, userAllowed?: ReadonlySet<string>): string[] {
  const clientAllowed = new Set((client.apis[api.identifier] ?? []).filter((s) => s in api.scopes));
  const usable = (s: string) => clientAllowed.has(s) && (userAllowed === undefined || userAllowed.has(s));
  if (requested.length === 0) return [...clientAllowed].filter(usable);
  const refused = requested.filter((s) => !usable(s));
  if (refused.length > 0) {
    const unknown = refused.filter((s) => !(s in api.scopes));
    const why = unknown.length > 0 ? `${api.identifier} defines no scope ${unknown.map((s) => `"${s}"`).join(', ')}` : `this client may not use ${refused.map((s) => `"${s}"`).join(', ')} at ${api.identifier}`;
    throw new OAuthError('invalid_scope', why);
  }
  return requested;
}
