// JWS signature checks (RFC 7515 / RFC 7518 §3, RFC 8037, RFC 9864) done by node:crypto on
// a KeyObject imported once per JWK. node:crypto does the math; this file only maps each
// JWS alg to its exact parameters, so nothing is left to a default (PSS salt length, ECDSA
// signature encoding).
import { constants, createPublicKey, verify, type JsonWebKey, type KeyObject, type VerifyKeyObjectInput } from 'node:crypto';

interface Scheme {
  /** The digest given to crypto.verify; null for EdDSA, which hashes internally. */
  digest: string | null;
  keyType: 'rsa' | 'ec' | 'ed25519';
  /** OpenSSL name of the curve an EC key must be on. */
  namedCurve?: string;
  /**
   * The crypto.verify options besides the key; undefined where node:crypto's defaults are
   * exactly the algorithm's, and the KeyObject is passed alone.
   */
  options: Omit<VerifyKeyObjectInput, 'key'> | undefined;
}

// RFC 7518 §3.3: PKCS #1 v1.5, node:crypto's padding for a key of type 'rsa' (keyServesAlgorithm
// refuses 'rsa-pss' keys here). The KeyObject alone takes node:crypto's shortest path.
const rsa = (digest: string): Scheme => ({ digest, keyType: 'rsa', options: undefined });
// RFC 7518 §3.5: the salt is as long as the digest; an exact saltLength also refuses other lengths.
const pss = (digest: string, saltLength: number): Scheme => ({
  digest,
  keyType: 'rsa',
  options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength },
});
// RFC 7518 §3.4: R || S, each as long as the curve's order; a DER signature is refused.
const ecdsa = (digest: string, namedCurve: string): Scheme => ({ digest, keyType: 'ec', namedCurve, options: { dsaEncoding: 'ieee-p1363' } });
const eddsa: Scheme = { digest: null, keyType: 'ed25519', options: undefined };

const schemes: Readonly<Record<string, Scheme>> = {
  RS256: rsa('sha256'),
  RS384: rsa('sha384'),
  RS512: rsa('sha512'),
  PS256: pss('sha256', 32),
  PS384: pss('sha384', 48),
  PS512: pss('sha512', 64),
  ES256: ecdsa('sha256', 'prime256v1'),
  ES384: ecdsa('sha384', 'secp384r1'),
  ES512: ecdsa('sha512', 'secp521r1'),
  EdDSA: eddsa,
  Ed25519: eddsa,
};

/** RSA keys below this size are refused (RFC 7518 §3.3 and §3.5 require 2048 bits). */
const MIN_RSA_BITS = 2048;

/** Imports a public JWK (kty, crv and coordinates are validated by node:crypto). Throws when it is not a usable public key. */
export function importPublicJwk(jwk: JsonWebKey): KeyObject {
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  if (key.type !== 'public') throw new TypeError('not a public key');
  return key;
}

/** Whether `key` is of the type, curve and size the JWS algorithm `alg` calls for. */
export function keyServesAlgorithm(key: KeyObject, alg: string): boolean {
  const scheme = schemes[alg];
  if (scheme === undefined || key.type !== 'public' || key.asymmetricKeyType !== scheme.keyType) return false;
  const details = key.asymmetricKeyDetails;
  if (scheme.keyType === 'rsa') return (details?.modulusLength ?? 0) >= MIN_RSA_BITS;
  if (scheme.keyType === 'ec') return details?.namedCurve === scheme.namedCurve;
  return true;
}

/** Checks signatures of one algorithm with one key; made once per (key, alg) and reused. */
export interface SignatureVerifier {
  readonly alg: string;
  /** True when `signature` is a valid `alg` signature over `signingInput` (the ASCII bytes of `header.payload`). Never throws. */
  verify(signingInput: Buffer, signature: Buffer): boolean;
}

/** A verifier for `alg` signatures by `key`, or undefined when the key does not serve `alg` (wrong type, curve or size). */
export function signatureVerifier(key: KeyObject, alg: string): SignatureVerifier | undefined {
  const scheme = schemes[alg];
  if (scheme === undefined || !keyServesAlgorithm(key, alg)) return undefined;
  const { digest } = scheme;
  const input: KeyObject | VerifyKeyObjectInput = scheme.options === undefined ? key : { key, ...scheme.options };
  return {
    alg,
    verify(signingInput, signature) {
      try {
        return verify(digest, signingInput, input, signature);
      } catch {
        return false;
      }
    },
  };
}

/** The algorithms this module verifies. */
export const SIGNATURE_ALGORITHMS: readonly string[] = Object.keys(schemes);
