import type { Keyring } from '../keys/keyring.js';
import { signCompact } from '../keys/jws.js';
import { randomBytesPooled } from '../util/random.js';
import { randomToken, sha256 } from '../util/hash.js';
import { GRANT_CLAIM, PREFIX } from '../util/prefixes.js';

export interface AccessTokenRequest {
  issuer: string;
  /** One API, plus the userinfo endpoint when openid was granted. */
  audience: string | string[];
  sub: string;
  clientId: string;
  scopes: readonly string[];
  ttl: number;
  grantId: string;
  format: 'jwt' | 'opaque';
  alg: string;
  now: number;
  /** Extra claims from custom-claim hooks; never overrides a reserved claim. */
  extraClaims?: Record<string, unknown>;
  /** DPoP key thumbprint (RFC 9449 `cnf.jkt`). */
  jkt?: string;
}

export interface MintedAccessToken {
  token: string;
  jti: string;
  expiresAt: number;
  /** For opaque tokens: what to store (only the hash of the token). */
  tokenHash?: string;
}

export const RESERVED_CLAIMS = new Set(['iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'jti', 'client_id', 'scope', 'cnf', 'nonce', GRANT_CLAIM]);

export function newJti(): string {
  return randomBytesPooled(16).toString('base64url');
}

/** Mints an RFC 9068 JWT access token (`typ: at+jwt`) or an opaque reference token. */
export async function mintAccessToken(keys: Keyring, req: AccessTokenRequest): Promise<MintedAccessToken> {
  const jti = newJti();
  const expiresAt = req.now + req.ttl;
  if (req.format === 'opaque') {
    const token = randomToken(PREFIX.accessToken);
    return { token, jti, expiresAt, tokenHash: sha256(token) };
  }
  const claims: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(req.extraClaims ?? {})) if (!RESERVED_CLAIMS.has(k)) claims[k] = v;
  Object.assign(claims, {
    iss: req.issuer,
    sub: req.sub,
    aud: req.audience,
    exp: expiresAt,
    iat: req.now,
    jti,
    client_id: req.clientId,
    [GRANT_CLAIM]: req.grantId,
  });
  if (req.scopes.length > 0) claims.scope = req.scopes.join(' ');
  if (req.jkt) claims.cnf = { jkt: req.jkt };
  const signer = keys.signer(req.alg);
  const token = signCompact({ alg: signer.alg, kid: signer.kid, typ: 'at+jwt' }, claims, signer.keyObject);
  return { token, jti, expiresAt };
}
