import { isSymmetricOrNone } from './algorithms.js';
import { checkJwtClaims, type CheckedClaims } from './claims.js';
import { invalidToken } from './errors.js';
import { isObject } from './http.js';
import { segmentBytes, splitCompactJws, type CompactJws } from './jws.js';
import type { MaybePromise } from './maybe-promise.js';
import type { JwksCache, ResolvedKey } from './jwks-cache.js';
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

export interface VerifiedJwt {
  checked: CheckedClaims;
  /** The JWKS entry that verified the signature. */
  keyId: string;
}

function checkAlgorithm(alg: unknown, allowed: readonly string[]): string {
  // The allow-list holds only asymmetric algorithms (checked when the guard is made).
  if (typeof alg === 'string' && allowed.includes(alg)) return alg;
  if (typeof alg !== 'string') throw invalidToken(messages.algNotAllowed(allowed));
  if (alg.toLowerCase() === 'none') throw invalidToken(messages.algNone);
  if (isSymmetricOrNone(alg)) throw invalidToken(messages.algSymmetric(alg));
  throw invalidToken(messages.algNotAllowed(allowed));
}

/**
 * Verifies a JWT access token (as extracted from the Authorization header: token68) whose
 * header (already decoded, `typ` already checked) is given: algorithm allow-list, the JWS
 * syntax, key by kid, signature (node:crypto), then the claims. Returns without waiting
 * when the key is in hand; throws (or rejects with) a Refusal.
 */
export function verifyJwt(token: string, header: Record<string, unknown>, o: JwtVerifierOptions): MaybePromise<VerifiedJwt> {
  const alg = checkAlgorithm(header['alg'], o.algorithms);
  // RFC 7515 §4.1.11: extensions named in crit must be understood; the guard understands none.
  if (header['crit'] !== undefined) throw invalidToken(messages.unsupportedCrit);
  const kid = header['kid'];
  if (kid !== undefined && typeof kid !== 'string') throw invalidToken(messages.unknownKid);
  const jws = splitCompactJws(token);
  if (jws === undefined) throw invalidToken(messages.malformedToken);
  // The key is usually in hand; a fetch only for an unknown kid or a stale JWKS.
  const key = o.keys.peek(kid, alg);
  return key ? checkSigned(jws, key, o) : o.keys.resolve(kid, alg).then((resolved) => checkSigned(jws, resolved, o));
}

function checkSigned(jws: CompactJws, { verifier, keyId }: ResolvedKey, o: JwtVerifierOptions): VerifiedJwt {
  o.onVerify?.();
  // The signature covers the encoded header and payload as sent (ASCII, checked by splitCompactJws).
  if (!verifier.verify(Buffer.from(jws.signingInput, 'latin1'), segmentBytes(jws.signatureSegment))) {
    throw invalidToken(messages.badSignature);
  }
  let claims: unknown;
  try {
    claims = JSON.parse(segmentBytes(jws.payloadSegment).toString('utf8'));
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
  return { checked, keyId };
}
