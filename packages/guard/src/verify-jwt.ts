import { compactVerify, errors } from 'jose';
import { isSymmetricOrNone } from './algorithms.js';
import { checkJwtClaims, type CheckedClaims } from './claims.js';
import { invalidToken } from './errors.js';
import { isObject } from './http.js';
import type { JwksCache } from './jwks-cache.js';
import { messages } from './lanes/messages.js';

export interface JwtVerifierOptions {
  issuer: string;
  audience: string;
  algorithms: readonly string[];
  toleranceSec: number;
  now: () => number;
  keys: JwksCache;
  /** Called before each signature verification (for counting). */
  onVerify?: () => void;
}

export interface VerifiedJwt extends CheckedClaims {
  /** The JWKS entry that verified the signature. */
  keyId: string;
}

const utf8 = new TextDecoder();

function checkAlgorithm(alg: unknown, allowed: readonly string[]): string {
  if (typeof alg !== 'string') throw invalidToken(messages.algNotAllowed(allowed));
  if (alg.toLowerCase() === 'none') throw invalidToken(messages.algNone);
  if (isSymmetricOrNone(alg)) throw invalidToken(messages.algSymmetric(alg));
  if (!allowed.includes(alg)) throw invalidToken(messages.algNotAllowed(allowed));
  return alg;
}

function signatureRefusal(error: unknown): Error {
  if (error instanceof errors.JWSSignatureVerificationFailed) return invalidToken(messages.badSignature);
  if (error instanceof errors.JOSEError) return invalidToken(messages.malformedToken);
  // jose throws TypeError for keys it will not use (e.g. RSA under 2048 bits).
  return invalidToken(messages.unusableKey);
}

/**
 * Verifies a JWT access token whose header (already decoded, `typ` already checked) is
 * given: algorithm allow-list, key by kid, signature, then the claims.
 */
export async function verifyJwt(token: string, header: Record<string, unknown>, o: JwtVerifierOptions): Promise<VerifiedJwt> {
  const alg = checkAlgorithm(header['alg'], o.algorithms);
  const kid = header['kid'];
  if (kid !== undefined && typeof kid !== 'string') throw invalidToken(messages.unknownKid);
  const { key, keyId } = await o.keys.resolve(kid, alg);

  o.onVerify?.();
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(token, key, { algorithms: [alg] }));
  } catch (error) {
    throw signatureRefusal(error);
  }
  let claims: unknown;
  try {
    claims = JSON.parse(utf8.decode(payload));
  } catch {
    throw invalidToken(messages.payloadNotJson);
  }
  if (!isObject(claims)) throw invalidToken(messages.payloadNotJson);
  const checked = checkJwtClaims(claims, {
    issuer: o.issuer,
    audience: o.audience,
    toleranceSec: o.toleranceSec,
    nowSec: Math.floor(o.now() / 1000),
  });
  return { ...checked, keyId };
}
