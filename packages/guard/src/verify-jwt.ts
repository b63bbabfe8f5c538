import { Buffer } from 'node:buffer';
import { isSymmetricOrNone } from './algorithms.js';
import { checkJwtClaims, type CheckedClaims } from './claims.js';
import { invalidToken } from './errors.js';
import { isObject } from './http.js';
import { compactJwsSecondDot, decodesWhole, isBase64url, segmentBytes } from './jws.js';
import { tokenSyntaxFailure } from './extract.js';
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

function checkAlgorithm(alg: unknown, allowed: readonly string[]): string {
  // The allow-list holds only asymmetric algorithms (checked when the guard is made).
  if (typeof alg === 'string' && allowed.includes(alg)) return alg;
  if (typeof alg !== 'string') throw invalidToken(messages.algNotAllowed(allowed));
  if (alg.toLowerCase() === 'none') throw invalidToken(messages.algNone);
  if (isSymmetricOrNone(alg)) throw invalidToken(messages.algSymmetric(alg));
  throw invalidToken(messages.algNotAllowed(allowed));
}

/**
 * A JWS header that passed the checks made once per distinct header: its algorithm is on the
 * allow-list, it names no critical extension, and its kid, if any, is a string.
 */
export interface CheckedHeader {
  alg: string;
  kid: string | undefined;
}

/** The header checks (algorithm allow-list, crit, kid), throwing the Refusal that names the first failure. */
export function checkHeader(header: Record<string, unknown>, algorithms: readonly string[]): CheckedHeader {
  const alg = checkAlgorithm(header['alg'], algorithms);
  // RFC 7515 §4.1.11: extensions named in crit must be understood; the guard understands none.
  if (header['crit'] !== undefined) throw invalidToken(messages.unsupportedCrit);
  const kid = header['kid'];
  if (kid !== undefined && typeof kid !== 'string') throw invalidToken(messages.unknownKid);
  return { alg, kid };
}

/**
 * Verifies a JWT access token (as extracted from the Authorization header, its characters
 * not yet checked: see compactJwsSecondDot; its first dot at `firstDot`) whose header has
 * passed {@link checkHeader} (and whose `typ` was checked): the JWS syntax, key by kid,
 * signature (node:crypto), then the claims. Returns without waiting when the key is in hand;
 * throws (or rejects with) a Refusal.
 */
export function verifyJwt(token: string, firstDot: number, { alg, kid }: CheckedHeader, o: JwtVerifierOptions): MaybePromise<CheckedClaims> {
  const secondDot = compactJwsSecondDot(token, firstDot);
  if (secondDot === -1) throw invalidToken(messages.malformedToken);
  // The key is usually in hand; a fetch only for an unknown kid or a stale JWKS, and never for
  // a token that is not even token68 (the guard then names that failure).
  // One reading of the clock for the key set's freshness and the claims.
  const now = o.now();
  let key: ResolvedKey | undefined;
  try {
    key = o.keys.peek(kid, alg, now);
  } catch (error) {
    throw malformedBefore(token, firstDot, secondDot, error);
  }
  if (key) return checkSigned(token, firstDot, secondDot, key, o, now);
  if (tokenSyntaxFailure(token) !== undefined || !segmentsAreBase64url(token, firstDot, secondDot)) throw invalidToken(messages.malformedToken);
  return o.keys.resolve(kid, alg).then((resolved) => checkSigned(token, firstDot, secondDot, resolved, o, o.now()));
}

const segmentsAreBase64url = (token: string, firstDot: number, secondDot: number) =>
  isBase64url(token.slice(firstDot + 1, secondDot)) && isBase64url(token.slice(secondDot + 1));

/** A malformed payload or signature segment is the refusal, before what was found later (as when every segment was checked first). */
function malformedBefore(token: string, firstDot: number, secondDot: number, error: unknown): unknown {
  return segmentsAreBase64url(token, firstDot, secondDot) ? error : invalidToken(messages.malformedToken);
}

/** The signature and claims of a compact JWS (dots at `firstDot` and `secondDot`), with the key its header names. */
function checkSigned(token: string, firstDot: number, secondDot: number, { verifier, keyId }: ResolvedKey, o: JwtVerifierOptions, now: number): CheckedClaims {
  o.onVerify?.();
  // The signature covers the encoded header and payload as sent. Read as UTF-8 (not latin1,
  // which would read "š" as "a"), a character that is not ASCII makes more bytes than
  // characters: refused, so a signing input that verifies is exactly the issuer's. The
  // signature segment must be ASCII too, for decodesWhole.
  const signingInput = Buffer.from(token.slice(0, secondDot)); // UTF-8
  const signatureSegment = token.slice(secondDot + 1);
  if (signingInput.length !== secondDot || Buffer.byteLength(signatureSegment, 'utf8') !== signatureSegment.length) {
    throw invalidToken(messages.malformedToken);
  }
  const signature = segmentBytes(signatureSegment);
  if (!decodesWhole(signatureSegment, signature)) throw invalidToken(messages.malformedToken);
  if (!verifier.verify(signingInput, signature)) throw malformedBefore(token, firstDot, secondDot, invalidToken(messages.badSignature));
  const payloadSegment = token.slice(firstDot + 1, secondDot);
  const payload = segmentBytes(payloadSegment);
  // The issuer's own payload segment must be base64url too: the decoder skips characters it
  // does not know (so fewer bytes come out) and reads + and / as base64.
  if (!decodesWhole(payloadSegment, payload)) throw invalidToken(messages.malformedToken);
  let claims: unknown;
  try {
    claims = JSON.parse(payload.toString('utf8'));
  } catch {
    throw invalidToken(messages.payloadNotJson);
  }
  if (!isObject(claims)) throw invalidToken(messages.payloadNotJson);
  return checkJwtClaims(claims, o, Math.floor(now / 1000), keyId);
}
