import { createHash, randomUUID } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';

export interface ProofKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
  jkt: string;
  alg: string;
}

export async function proofKey(alg = 'ES256'): Promise<ProofKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { privateKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk), alg };
}

export interface ProofOptions {
  htm?: string;
  htu: string;
  accessToken?: string;
  nonce?: string;
  iat?: number;
  jti?: string;
  /** Overrides for the protected header (typ, alg, jwk). */
  header?: Record<string, unknown>;
  /** Sign with this key instead of the one in the header. */
  signWith?: CryptoKey;
  extra?: Record<string, unknown>;
}

/** A DPoP proof (RFC 9449 §4.2), with knobs to break it in each way the tests need. */
export async function makeProof(key: ProofKey, o: ProofOptions): Promise<string> {
  const claims: Record<string, unknown> = { htm: o.htm ?? 'POST', htu: o.htu, iat: o.iat ?? Math.floor(Date.now() / 1000), jti: o.jti ?? randomUUID(), ...o.extra };
  if (o.accessToken) claims.ath = createHash('sha256').update(o.accessToken).digest('base64url');
  if (o.nonce) claims.nonce = o.nonce;
  return new SignJWT(claims).setProtectedHeader({ typ: 'dpop+jwt', alg: key.alg, jwk: key.publicJwk, ...o.header } as never).sign(o.signWith ?? key.privateKey);
}
