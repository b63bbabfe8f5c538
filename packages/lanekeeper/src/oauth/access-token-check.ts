import { decodeProtectedHeader, jwtVerify } from 'jose';
import { nowSeconds } from '../store/index.js';
import { PREFIX, GRANT_CLAIM } from '../util/prefixes.js';
import { sha256 } from '../util/hash.js';
import type { OAuthContext } from './context.js';

export interface ActiveAccessToken {
  format: 'jwt' | 'opaque';
  sub: string;
  clientId: string;
  aud: string[];
  scopes: string[];
  exp: number;
  iat: number;
  jti: string;
  grantId: string;
  jkt?: string;
  /** The full claim set (JWT) for callers that need custom claims. */
  claims?: Record<string, unknown>;
}

export type AccessTokenCheck = { active: true; token: ActiveAccessToken } | { active: false; reason: string };

const ACCESS_TYPES = new Set(['at+jwt', 'application/at+jwt']);

async function checkJwt(ctx: OAuthContext, token: string, options: { allowExpired: boolean }): Promise<AccessTokenCheck> {
  let header;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return { active: false, reason: 'not a JWT' };
  }
  if (!ACCESS_TYPES.has(String(header.typ))) return { active: false, reason: `not an access token (typ ${String(header.typ ?? 'missing')})` };
  const verifier = typeof header.kid === 'string' ? ctx.keys.verifier(header.kid) : undefined;
  if (!verifier) return { active: false, reason: 'signed by a key this server does not publish' };
  let payload;
  try {
    ({ payload } = await jwtVerify(token, verifier.key, {
      issuer: ctx.issuer(),
      typ: String(header.typ),
      algorithms: [verifier.alg],
      requiredClaims: ['exp', 'sub', 'jti', 'client_id'],
      currentDate: options.allowExpired ? new Date(0) : undefined,
    }));
  } catch (err) {
    return { active: false, reason: `rejected: ${(err as { code?: string }).code ?? 'invalid'}` };
  }
  const aud = Array.isArray(payload.aud) ? payload.aud : payload.aud ? [payload.aud] : [];
  const cnf = payload.cnf as { jkt?: string } | undefined;
  return {
    active: true,
    token: {
      format: 'jwt',
      sub: payload.sub!,
      clientId: String(payload.client_id),
      aud,
      scopes: typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [],
      exp: payload.exp!,
      iat: payload.iat ?? 0,
      jti: payload.jti!,
      grantId: String(payload[GRANT_CLAIM] ?? ''),
      ...(cnf?.jkt ? { jkt: cnf.jkt } : {}),
      claims: payload as Record<string, unknown>,
    },
  };
}

async function checkOpaque(ctx: OAuthContext, token: string): Promise<AccessTokenCheck> {
  const row = await ctx.store.opaqueTokens.findByHash(sha256(token));
  if (!row) return { active: false, reason: 'unknown token' };
  if (row.revoked_at !== null) return { active: false, reason: 'revoked' };
  return {
    active: true,
    token: {
      format: 'opaque',
      sub: row.sub,
      clientId: row.client_id,
      aud: JSON.parse(row.aud) as string[],
      scopes: row.scope.split(' ').filter(Boolean),
      exp: Number(row.expires_at),
      iat: Number(row.issued_at),
      jti: row.jti,
      grantId: row.grant_id,
      ...(row.jkt ? { jkt: row.jkt } : {}),
    },
  };
}

/**
 * Is this one of our access tokens, unexpired and unrevoked? ID tokens, refresh tokens and
 * anything else are not (RFC 7662 §2.2 `active: false`).
 */
export async function checkAccessToken(ctx: OAuthContext, token: string, options: { allowExpired?: boolean } = {}): Promise<AccessTokenCheck> {
  const check = token.startsWith(PREFIX.accessToken) ? await checkOpaque(ctx, token) : token.split('.').length === 3 ? await checkJwt(ctx, token, { allowExpired: options.allowExpired ?? false }) : { active: false as const, reason: 'not an access token' };
  if (!check.active) return check;
  if (!options.allowExpired && check.token.exp <= nowSeconds()) return { active: false, reason: 'expired' };
  if (check.token.format === 'jwt' && (await ctx.store.jtis.isDenied(check.token.jti))) return { active: false, reason: 'revoked' };
  if (check.token.grantId) {
    const grant = await ctx.store.grants.get(check.token.grantId);
    if (grant?.revoked_at != null) return { active: false, reason: 'its grant was revoked' };
  }
  return check;
}
