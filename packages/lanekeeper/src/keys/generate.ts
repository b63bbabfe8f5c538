import { generateKeyPair, exportJWK, calculateJwkThumbprint, type JWK } from 'jose';
import type { SigningAlg } from '../config/schema.js';

export interface GeneratedKey {
  kid: string;
  alg: SigningAlg;
  publicJwk: JWK;
  privateJwk: JWK;
}

/** A fresh signing key pair; its kid is the RFC 7638 thumbprint of the public key. */
export async function generateSigningKey(alg: SigningAlg): Promise<GeneratedKey> {
  const options = alg === 'RS256' ? { modulusLength: 2048, extractable: true } : alg === 'EdDSA' ? { crv: 'Ed25519', extractable: true } : { extractable: true };
  const { publicKey, privateKey } = await generateKeyPair(alg, options);
  const publicJwk = await exportJWK(publicKey);
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return { kid, alg, publicJwk: { ...publicJwk, kid, alg, use: 'sig' }, privateJwk: { ...privateJwk, kid, alg } };
}
