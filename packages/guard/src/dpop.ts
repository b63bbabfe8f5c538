import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, compactVerify, importJWK, type CryptoKey, type JWK } from 'jose';
import { hasPrivateMembers, keyFitsAlgorithm } from './algorithms.js';
import { invalidProof } from './errors.js';
import { isObject } from './http.js';
import { decodeSegment, normalizeTyp } from './lanes/classify.js';
import { DPOP_PROOF_TYPE } from './lanes/constants.js';
import { messages } from './lanes/messages.js';
import { Lru } from './lru.js';

export interface DpopVerifierOptions {
  algorithms: readonly string[];
  /** How old a proof's iat may be. */
  iatWindowSec: number;
  toleranceSec: number;
  /** How many seen jti values to remember. */
  replayCacheSize: number;
  now: () => number;
}

export interface DpopCheck {
  /** The DPoP header value(s) as received. */
  proof: string | readonly string[] | undefined;
  method: string;
  /** The request URL; query and fragment are ignored. */
  url: string;
  /** The access token the proof must be bound to (ath). */
  token: string;
  /** The token's cnf.jkt. */
  jkt: string;
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

/** RFC 9449 §4.3 proof checks, and a bounded in-memory jti replay cache. */
export class DpopVerifier {
  readonly #o: DpopVerifierOptions;
  readonly #seen: Lru<string, number>;
  /** Imported proof keys by thumbprint and alg: a bound client proves with the same key every time. */
  readonly #keys = new Lru<string, Promise<CryptoKey>>(1000);

  constructor(options: DpopVerifierOptions) {
    this.#o = options;
    this.#seen = new Lru(options.replayCacheSize);
  }

  async verify(check: DpopCheck): Promise<void> {
    const o = this.#o;
    const proof = single(check.proof);
    const parts = proof.split('.');
    if (parts.length !== 3) throw invalidProof(messages.proofMalformed);
    const header = decodeSegment(parts[0] ?? '');
    if (!header) throw invalidProof(messages.proofMalformed);
    if (normalizeTyp(header['typ']) !== DPOP_PROOF_TYPE) throw invalidProof(messages.proofTyp);
    const alg = header['alg'];
    if (typeof alg !== 'string' || !o.algorithms.includes(alg)) throw invalidProof(messages.proofAlg(o.algorithms));
    const jwk = header['jwk'];
    if (!isObject(jwk) || typeof jwk['kty'] !== 'string') throw invalidProof(messages.proofNoJwk);
    if (hasPrivateMembers(jwk)) throw invalidProof(messages.proofPrivateKey);
    if (!keyFitsAlgorithm(jwk as JWK, alg)) throw invalidProof(messages.proofKeyAlg);

    let thumbprint: string;
    try {
      thumbprint = await calculateJwkThumbprint(jwk as JWK, 'sha256');
    } catch {
      throw invalidProof(messages.proofNoJwk);
    }
    if (thumbprint !== check.jkt) throw invalidProof(messages.proofKeyMismatch);

    let payload: Uint8Array;
    try {
      ({ payload } = await compactVerify(proof, await this.#importKey(jwk as JWK, alg, thumbprint), { algorithms: [alg] }));
    } catch {
      throw invalidProof(messages.proofSignature);
    }
    let claims: unknown;
    try {
      claims = JSON.parse(utf8.decode(payload));
    } catch {
      throw invalidProof(messages.proofMalformed);
    }
    if (!isObject(claims)) throw invalidProof(messages.proofMalformed);

    if (claims['htm'] !== check.method) throw invalidProof(messages.proofHtm);
    const htu = typeof claims['htu'] === 'string' ? htuOf(claims['htu']) : undefined;
    if (htu === undefined || htu !== htuOf(check.url)) throw invalidProof(messages.proofHtu);
    const iat = claims['iat'];
    const nowSec = o.now() / 1000;
    if (typeof iat !== 'number' || iat < nowSec - o.iatWindowSec - o.toleranceSec || iat > nowSec + o.toleranceSec) {
      throw invalidProof(messages.proofIat);
    }
    const jti = claims['jti'];
    if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) throw invalidProof(messages.proofJti);
    if (claims['ath'] !== createHash('sha256').update(check.token).digest('base64url')) throw invalidProof(messages.proofAth);

    const replayKey = `${thumbprint}:${jti}`;
    const seenUntil = this.#seen.get(replayKey);
    if (seenUntil !== undefined && seenUntil > o.now()) throw invalidProof(messages.proofReplay);
    this.#seen.set(replayKey, (iat + o.iatWindowSec + 2 * o.toleranceSec) * 1000);
  }

  #importKey(jwk: JWK, alg: string, thumbprint: string): Promise<CryptoKey> {
    const id = `${thumbprint}:${alg}`;
    let key = this.#keys.get(id);
    if (!key) {
      key = importJWK(jwk, alg) as Promise<CryptoKey>;
      key.catch(() => this.#keys.delete(id));
      this.#keys.set(id, key);
    }
    return key;
  }
}

function single(proof: string | readonly string[] | undefined): string {
  if (proof === undefined || proof === '') throw invalidProof(messages.missingProof);
  if (typeof proof !== 'string') {
    if (proof.length !== 1) throw invalidProof(proof.length === 0 ? messages.missingProof : messages.multipleProofs);
    return single(proof[0]);
  }
  // Repeated header fields arrive joined with commas, which a compact JWS never contains.
  if (proof.includes(',')) throw invalidProof(messages.multipleProofs);
  return proof.trim();
}
