import type { JWK } from 'jose';

/** The asymmetric JWS algorithms the guard can verify (jose 6). */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256', 'RS384', 'RS512',
  'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512',
  'EdDSA', 'Ed25519',
] as const;

/** The default allow-list for access tokens and DPoP proofs: every asymmetric algorithm. */
export const DEFAULT_ALGORITHMS: readonly string[] = ASYMMETRIC_ALGORITHMS;

const asymmetric = new Set<string>(ASYMMETRIC_ALGORITHMS);

/** True for `none` and the HMAC family: algorithms a token must never be accepted with. */
export function isSymmetricOrNone(alg: string): boolean {
  return alg.toLowerCase() === 'none' || /^HS\d+$/i.test(alg);
}

/** Validates a configured allow-list: non-empty, asymmetric only. Throws on misconfiguration. */
export function checkAllowList(algorithms: readonly string[], what: string): readonly string[] {
  if (algorithms.length === 0) throw new TypeError(`${what}: the algorithm allow-list is empty`);
  for (const alg of algorithms) {
    if (isSymmetricOrNone(alg)) {
      throw new TypeError(`${what}: ${alg} is not allowed; only asymmetric algorithms verify tokens from an issuer`);
    }
    if (!asymmetric.has(alg)) throw new TypeError(`${what}: unsupported algorithm ${alg}`);
  }
  return [...algorithms];
}

const curveOf: Record<string, string> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521', EdDSA: 'Ed25519', Ed25519: 'Ed25519' };

/** Whether a JWK can verify a JWS made with `alg`: its kty/crv fit, and its own alg/use/key_ops do not forbid it. */
export function keyFitsAlgorithm(jwk: JWK, alg: string): boolean {
  if (jwk.alg !== undefined && jwk.alg !== alg) return false;
  if (jwk.use !== undefined && jwk.use !== 'sig') return false;
  if (jwk.key_ops !== undefined && !jwk.key_ops.includes('verify')) return false;
  if (alg.startsWith('RS') || alg.startsWith('PS')) return jwk.kty === 'RSA';
  if (alg.startsWith('ES')) return jwk.kty === 'EC' && jwk.crv === curveOf[alg];
  if (alg === 'EdDSA' || alg === 'Ed25519') return jwk.kty === 'OKP' && jwk.crv === 'Ed25519';
  return false;
}

const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** True when a JWK holds private (or symmetric) key material. */
export function hasPrivateMembers(jwk: Record<string, unknown>): boolean {
  return privateMembers.some((m) => jwk[m] !== undefined);
}
