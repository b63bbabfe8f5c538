// RFC 7638 JWK thumbprints with SHA-256, by node:crypto's synchronous hash: the DPoP proof
// check computes one per request, and WebCrypto's digest would cost a thread-pool round trip.
import { createHash } from 'node:crypto';

/** The members that define a key, per kty, in the lexicographic order RFC 7638 §3.2 requires. */
const requiredMembers: Readonly<Record<string, readonly string[]>> = {
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  RSA: ['e', 'kty', 'n'],
};

/**
 * The base64url SHA-256 thumbprint of a public JWK (RFC 7638), or undefined when its kty is
 * not EC, OKP or RSA or a required member is missing or not a string.
 */
export function jwkThumbprint(jwk: Readonly<Record<string, unknown>>): string | undefined {
  const kty = jwk['kty'];
  const members = typeof kty === 'string' ? requiredMembers[kty] : undefined;
  if (members === undefined) return undefined;
  // §3.3: only the required members, in order, no whitespace; JSON.stringify keeps insertion order.
  const canonical: Record<string, string> = {};
  for (const name of members) {
    const value = jwk[name];
    if (typeof value !== 'string') return undefined;
    canonical[name] = value;
  }
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url');
}
