/** What a custom-claims hook is told about the token being minted. */
export interface ClaimsHookContext {
  client: { clientId: string; clientName: string | null };
  /** The API the access token is for (absent for a userinfo-only token and for ID tokens). */
  api?: { identifier: string; name: string };
  user?: { sub: string; email: string; claims: Record<string, unknown> };
  scopes: readonly string[];
}

type Claims = Record<string, unknown>;

/**
 * Custom-claim hooks, exported by the module named in the config's `hooks`. Reserved claims
 * (`iss, sub, aud, exp, iat, nbf, jti, client_id, scope, cnf, nonce`, and for ID tokens
 * `auth_time, sid, at_hash, azp, acr, amr`) can never be overridden: they are dropped.
 *
 * ```ts
 * // lanekeeper.hooks.mjs
 * export function accessTokenClaims({ api, user }) {
 *   return api?.identifier === 'https://calendar.example.com' && user ? { tenant: 'acme' } : {};
 * }
 * ```
 */
export interface LanekeeperHooks {
  idTokenClaims?(context: ClaimsHookContext): Claims | Promise<Claims>;
  accessTokenClaims?(context: ClaimsHookContext): Claims | Promise<Claims>;
}

export const ID_TOKEN_RESERVED = new Set(['iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'jti', 'client_id', 'scope', 'cnf', 'nonce', 'auth_time', 'sid', 'at_hash', 'azp', 'acr', 'amr', 'typ']);

export function withoutReserved(claims: Claims, reserved: ReadonlySet<string>): Claims {
  const out: Claims = {};
  for (const [k, v] of Object.entries(claims ?? {})) if (!reserved.has(k)) out[k] = v;
  return out;
}
