// The compact JWS serialization (RFC 7515 §7.1), split and decoded with Buffer: on the hot
// path of every request, so one pass each and no copies beyond what node:crypto needs.
import { isObject } from './http.js';

/**
 * The token68 characters (RFC 7235) that are not base64url or the dot. A token68 string
 * without them is dots and base64url only: one fast search each instead of a second pass of
 * a regular expression over the whole token.
 */
const NOT_BASE64URL_IN_TOKEN68 = ['~', '+', '/', '='] as const;

/** A compact JWS split into its parts, nothing verified yet. */
export interface CompactJws {
  /** The encoded header and payload joined by the dot: what the signature covers. */
  signingInput: string;
  payloadSegment: string;
  signatureSegment: string;
}

/** A base64url segment of length 4n+1 cannot encode whole bytes. */
const wholeBytes = (length: number) => length % 4 !== 1;

/**
 * Splits a compact JWS; undefined unless it is exactly three unpadded base64url segments
 * (the header not empty). `token68` must already match RFC 7235 token68, as every token the
 * guard extracts from the Authorization header does.
 */
export function splitCompactJws(token68: string): CompactJws | undefined {
  const token = token68;
  const firstDot = token.indexOf('.');
  const secondDot = token.indexOf('.', firstDot + 1);
  if (firstDot <= 0 || secondDot === -1 || token.indexOf('.', secondDot + 1) !== -1) return undefined;
  for (const c of NOT_BASE64URL_IN_TOKEN68) if (token.includes(c)) return undefined;
  if (!wholeBytes(firstDot) || !wholeBytes(secondDot - firstDot - 1) || !wholeBytes(token.length - secondDot - 1)) return undefined;
  return {
    signingInput: token.slice(0, secondDot),
    payloadSegment: token.slice(firstDot + 1, secondDot),
    signatureSegment: token.slice(secondDot + 1),
  };
}

/**
 * The protected header of a token shaped like a compact JWS (two dots), decoded: a JSON
 * object, or undefined when the token is not that shape or the header is not an object.
 * Only the header segment is checked here; {@link splitCompactJws} checks the rest.
 */
export function jwsHeader(token: string): Record<string, unknown> | undefined {
  const firstDot = token.indexOf('.');
  if (firstDot <= 0) return undefined;
  const secondDot = token.indexOf('.', firstDot + 1);
  if (secondDot === -1 || token.indexOf('.', secondDot + 1) !== -1) return undefined;
  return decodeJsonSegment(token.slice(0, firstDot));
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** A base64url segment holding a JSON object, decoded; undefined when it is anything else. */
export function decodeJsonSegment(segment: string): Record<string, unknown> | undefined {
  if (!BASE64URL.test(segment) || !wholeBytes(segment.length)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Decodes a base64url segment to bytes (the caller has checked its alphabet). */
export function segmentBytes(segment: string): Buffer {
  return Buffer.from(segment, 'base64url');
}
