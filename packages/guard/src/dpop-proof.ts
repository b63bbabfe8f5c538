import { createHash, type JsonWebKey } from 'node:crypto';
import type { JWK } from 'jose';
import { hasPrivateMembers, keyFitsAlgorithm } from './algorithms.js';
import { isObject } from './http.js';
import { decodeSegment, normalizeTyp } from './lanes/classify.js';
import { DPOP_PROOF_TYPE } from './lanes/constants.js';
import { messages } from './lanes/messages.js';
import { Lru } from './lru.js';
import { importPublicJwk, signatureVerifier, type SignatureVerifier } from './signature.js';
import { jwkThumbprint } from './thumbprint.js';

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
  /** Where proof keys are imported and kept; by default a fresh import per proof. */
  keys?: ProofKeys;
}

export interface CheckedProof {
  /** RFC 7638 thumbprint of the proof's public key. */
  jkt: string;
  jti: string;
  iat: number;
  nonce?: string;
}

const MAX_JTI_LENGTH = 256;
/** A compact JWS; the signature may be empty so that an `alg: none` proof hears why it is refused. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Proof keys, imported once (node:crypto) and kept by algorithm and RFC 7638 thumbprint,
 * which covers every member that defines the key: a client signs many proofs with one key.
 */
export class ProofKeys {
  readonly #verifiers: Lru<string, SignatureVerifier | null>;

  constructor(maxKeys = 1000) {
    this.#verifiers = new Lru(maxKeys);
  }

  /** A verifier for `alg` signatures by the proof's `jwk`; undefined when it is not a usable public key for `alg`. */
  verifierFor(jwk: JsonWebKey, alg: string, thumbprint: string): SignatureVerifier | undefined {
    const id = `${alg} ${thumbprint}`;
    let verifier = this.#verifiers.get(id);
    if (verifier === undefined) {
      verifier = importVerifier(jwk, alg) ?? null;
      this.#verifiers.set(id, verifier);
    }
    return verifier ?? undefined;
  }
}

function importVerifier(jwk: JsonWebKey, alg: string): SignatureVerifier | undefined {
  try {
    return signatureVerifier(importPublicJwk(jwk), alg);
  } catch {
    return undefined;
  }
}

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

/**
 * Checks one DPoP proof; throws DpopProofError saying what was wrong. Synchronous: the
 * thumbprint and the signature are node:crypto calls on this thread.
 */
export function checkDpopProof(header: string | readonly string[] | undefined, e: ProofExpectations): CheckedProof {
  const proof = singleProof(header);
  if (!COMPACT_JWS.test(proof)) throw new DpopProofError(messages.proofMalformed);
  const firstDot = proof.indexOf('.');
  const secondDot = proof.indexOf('.', firstDot + 1);
  const protectedHeader = decodeSegment(proof.slice(0, firstDot));
  if (!protectedHeader) throw new DpopProofError(messages.proofMalformed);
  if (normalizeTyp(protectedHeader['typ']) !== DPOP_PROOF_TYPE) throw new DpopProofError(messages.proofTyp);
  const alg = protectedHeader['alg'];
  if (typeof alg !== 'string' || !e.algorithms.includes(alg)) throw new DpopProofError(messages.proofAlg(e.algorithms));
  // RFC 7515 §4.1.11: extensions named in crit must be understood; none are (nor is b64: false).
  if (protectedHeader['crit'] !== undefined || protectedHeader['b64'] !== undefined) throw new DpopProofError(messages.proofMalformed);
  const jwk = protectedHeader['jwk'];
  if (!isObject(jwk) || typeof jwk['kty'] !== 'string') throw new DpopProofError(messages.proofNoJwk);
  if (hasPrivateMembers(jwk)) throw new DpopProofError(messages.proofPrivateKey);
  if (!keyFitsAlgorithm(jwk as JWK, alg)) throw new DpopProofError(messages.proofKeyAlg);

  const thumbprint = jwkThumbprint(jwk);
  if (thumbprint === undefined) throw new DpopProofError(messages.proofNoJwk);
  if (e.jkt !== undefined && thumbprint !== e.jkt) throw new DpopProofError(messages.proofKeyMismatch);

  const verifier = e.keys ? e.keys.verifierFor(jwk as JsonWebKey, alg, thumbprint) : importVerifier(jwk as JsonWebKey, alg);
  const signed = verifier?.verify(Buffer.from(proof.slice(0, secondDot), 'latin1'), Buffer.from(proof.slice(secondDot + 1), 'base64url'));
  if (signed !== true) throw new DpopProofError(messages.proofSignature);
  const payload = decodeSegment(proof.slice(firstDot + 1, secondDot));
  if (!payload) throw new DpopProofError(messages.proofMalformed);
  const claims: Record<string, unknown> = payload;

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
