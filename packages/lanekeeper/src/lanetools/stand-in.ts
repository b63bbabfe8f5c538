/**
 * The guard's verdict when the issuer's keys are not at hand (`inspect --audience` without
 * `--online`): every check but the signature, judged by the guard itself.
 *
 * The token's own header and payload are signed again with a throw-away key published under
 * the token's kid, and the guard checks that copy against that one key, trusting the issuer
 * the token names. Lane, algorithm, crit, claims and scopes are then the guard's own checks
 * on the token's own contents; only "which key signed it" is stood in for, and the verdict
 * says so. A token the guard refuses before it looks for a key (wrong lane, alg none or HS*,
 * crit) is judged as it is.
 */
import { checkAccessToken, type TokenCheck } from '@lanekeeper/guard/check';
import { isAccessTokenTyp } from '@lanekeeper/guard/lanes';
import { DEFAULT_ALGORITHMS } from '@lanekeeper/guard';
import { base64url, CompactSign, exportJWK, generateKeyPair } from 'jose';

/** Named when the token names no usable issuer (RFC 2606 `.invalid`: never reached). */
export const UNKNOWN_ISSUER = 'https://unknown-issuer.invalid';

export interface StandInOptions {
  audience: string;
  scopes?: readonly string[] | undefined;
  algorithms?: readonly string[] | undefined;
  now?: () => number;
}

function decode(segment: string | undefined): Record<string, unknown> | undefined {
  if (!segment) return undefined;
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(base64url.decode(segment)));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function httpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The token re-signed by a fresh key, and a JWKS holding that key under the token's kid. */
async function standIn(parts: string[], header: Record<string, unknown>, alg: string): Promise<{ token: string; jwks: { keys: unknown[] } } | undefined> {
  try {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), alg, use: 'sig', ...(typeof header['kid'] === 'string' ? { kid: header['kid'] } : {}) };
    const token = await new CompactSign(base64url.decode(parts[1] ?? '')).setProtectedHeader(header as { alg: string }).sign(privateKey);
    return { token, jwks: { keys: [jwk] } };
  } catch {
    return undefined;
  }
}

/** The guard's verdict on everything but the signature. */
export async function checkWithoutKeys(token: string, o: StandInOptions): Promise<TokenCheck> {
  const parts = token.split('.');
  const header = parts.length === 3 ? decode(parts[0]) : undefined;
  const claims = parts.length === 3 ? decode(parts[1]) : undefined;
  const allowed = o.algorithms?.length ? o.algorithms : DEFAULT_ALGORITHMS;
  const alg = header?.['alg'];
  const issuer = httpUrl(claims?.['iss']) ?? UNKNOWN_ISSUER;
  const options = { issuer, audience: o.audience, ...(o.scopes?.length ? { scopes: o.scopes } : {}), ...(o.algorithms?.length ? { algorithms: o.algorithms } : {}), ...(o.now ? { now: o.now } : {}) };
  const reachesKey = header !== undefined && isAccessTokenTyp(header['typ']) && typeof alg === 'string' && allowed.includes(alg) && header['crit'] === undefined;
  const copy = reachesKey ? await standIn(parts, header, alg) : undefined;
  // No request leaves: keys are given, and nothing else is fetched for a JWT.
  const offline = () => Promise.reject(new Error('inspect is offline'));
  if (copy) return checkAccessToken(copy.token, { ...options, jwks: copy.jwks, fetch: offline });
  return checkAccessToken(token, { ...options, jwks: { keys: [] }, fetch: offline });
}
