import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, compactVerify, importJWK, type CryptoKey, type JWK } from 'jose';
import { hasPrivateMembers, keyFitsAlgorithm } from './algorithms.js';
import { isObject } from './http.js';
import { decodeSegment, normalizeTyp } from './lanes/classify.js';
import { DPOP_PROOF_TYPE } from './lanes/constants.js';
import { messages } from './lanes/messages.js';

/**
 * The RFC 9449 §4.3 proof checks, shared by the guard (at APIs) and the Lanekeeper server (at
 * its token and userinfo endpoints), so a proof is judged by one rule set wherever it is sent.
 * Replay caches and nonces are the caller's: they differ between an API and the issuer.
 * @module
 */

/** A refused proof; `description` is one of the shared lane messages. */
export class DpopProofError extends Error {
  override name = 'DpopProofError';
  constructor(readonly description: string) {
    super(description);
  }
}

export interface ProofExpectations {
  method: string;
  /** The request URL; query and fragment are ignored. */
  url: string;
  algorithms: readonly string[];
  /** Milliseconds since the epoch. */
  now: number;
  /** How old a proof's iat may be, seconds. */
  iatWindowSec: number;
  toleranceSec: number;
  /** The access token the proof accompanies: its hash must be the proof's `ath`. */
  accessToken?: string;
  /** The key the token is bound to (`cnf.jkt`): the proof's key must have this thumbprint. */
  jkt?: string;
  /** Resolves proof keys (e.g. from a cache); defaults to importing the JWK. */
  importKey?: (jwk: JWK, alg: string, thumbprint: string) => Promise<CryptoKey>;
}

export interface CheckedProof {
  /** RFC 7638 thumbprint of the proof's public key. */
  jkt: string;
  jti: string;
  iat: number;
  nonce?: string;
}

const MAX_JTI_LENGTH = 256;
const utf8 = new TextDecoder();

/** The URL as htu compares it: scheme, host and path, normalized by the WHATWG URL parser. */
export function htuOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return undefined;
  }
}

/** Exactly one proof: repeated DPoP header fields are refused. */
export function singleProof(proof: string | readonly string[] | undefined): string {
  if (proof === undefined || proof === '') throw new DpopProofError(messages.missingProof);
  if (typeof proof !== 'string') {
    if (proof.length !== 1) throw new DpopProofError(proof.length === 0 ? messages.missingProof : messages.multipleProofs);
    return singleProof(proof[0]);
  }
  // Repeated header fields arrive joined with commas, which a compact JWS never contains.
  if (proof.includes(',')) throw new DpopProofError(messages.multipleProofs);
  return proof.trim();
}

/** Checks one DPoP proof; throws DpopProofError saying what was wrong. */
export async function checkDpopProof(header: string | readonly string[] | undefined, e: ProofExpectations): Promise<CheckedProof> {
  const proof = singleProof(header);
  const parts = proof.split('.');
  if (parts.length !== 3) throw new DpopProofError(messages.proofMalformed);
  const protectedHeader = decodeSegment(parts[0] ?? '');
  if (!protectedHeader) throw new DpopProofError(messages.proofMalformed);
  if (normalizeTyp(protectedHeader['typ']) !== DPOP_PROOF_TYPE) throw new DpopProofError(messages.proofTyp);
  const alg = protectedHeader['alg'];
  if (typeof alg !== 'string' || !e.algorithms.includes(alg)) throw new DpopProofError(messages.proofAlg(e.algorithms));
  const jwk = protectedHeader['jwk'];
  if (!isObject(jwk) || typeof jwk['kty'] !== 'string') throw new DpopProofError(messages.proofNoJwk);
  if (hasPrivateMembers(jwk)) throw new DpopProofError(messages.proofPrivateKey);
  if (!keyFitsAlgorithm(jwk as JWK, alg)) throw new DpopProofError(messages.proofKeyAlg);

  let thumbprint: string;
  try {
    thumbprint = await calculateJwkThumbprint(jwk as JWK, 'sha256');
  } catch {
    throw new DpopProofError(messages.proofNoJwk);
  }
  if (e.jkt !== undefined && thumbprint !== e.jkt) throw new DpopProofError(messages.proofKeyMismatch);

  let payload: Uint8Array;
  try {
    const key = e.importKey ? await e.importKey(jwk as JWK, alg, thumbprint) : ((await importJWK(jwk as JWK, alg)) as CryptoKey);
    ({ payload } = await compactVerify(proof, key, { algorithms: [alg] }));
  } catch {
    throw new DpopProofError(messages.proofSignature);
  }
  let claims: unknown;
  try {
    claims = JSON.parse(utf8.decode(payload));
  } catch {
    throw new DpopProofError(messages.proofMalformed);
  }
  if (!isObject(claims)) throw new DpopProofError(messages.proofMalformed);

  if (claims['htm'] !== e.method) throw new DpopProofError(messages.proofHtm);
  const htu = typeof claims['htu'] === 'string' ? htuOf(claims['htu']) : undefined;
  if (htu === undefined || htu !== htuOf(e.url)) throw new DpopProofError(messages.proofHtu);
  const iat = claims['iat'];
  const nowSec = e.now / 1000;
  if (typeof iat !== 'number' || iat < nowSec - e.iatWindowSec - e.toleranceSec || iat > nowSec + e.toleranceSec) throw new DpopProofError(messages.proofIat);
  const jti = claims['jti'];
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) throw new DpopProofError(messages.proofJti);
  if (e.accessToken !== undefined && claims['ath'] !== createHash('sha256').update(e.accessToken).digest('base64url')) throw new DpopProofError(messages.proofAth);
  const nonce = claims['nonce'];
  return { jkt: thumbprint, jti, iat, ...(typeof nonce === 'string' ? { nonce } : {}) };
}
