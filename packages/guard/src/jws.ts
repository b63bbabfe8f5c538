// The compact JWS serialization (RFC 7515 §7.1), split and decoded with Buffer: on the hot
// path of every request, so one pass each and no copies beyond what node:crypto needs.
import { Buffer } from 'node:buffer';
import { isObject } from './http.js';

/** A base64url segment of length 4n+1 cannot encode whole bytes. */
const wholeBytes = (length: number) => length % 4 !== 1;

/**
 * The index of the second dot of a compact JWS whose first dot is at `firstDot`: three
 * segments, the header not empty, each of a length that encodes whole bytes; -1 when the
 * token is not that shape. No characters are checked, and nothing is copied: the caller
 * slices what it needs.
 *
 * The header segment is checked where it is decoded (or matches one that was). The rest is
 * checked where the signature is: the signing input and the signature segment must be ASCII
 * (their UTF-8 bytes no more than their characters), so the signing input the signature
 * covers is exactly what was sent; the signature segment must decode to every byte its
 * length encodes with no + or / in it, which for ASCII text is exactly unpadded base64url
 * (see {@link decodesWhole}). {@link isBase64url} checks a segment where a refusal must say
 * which it was.
 */
export function compactJwsSecondDot(token: string, firstDot: number): number {
  const secondDot = token.indexOf('.', firstDot + 1);
  if (firstDot <= 0 || secondDot === -1 || token.indexOf('.', secondDot + 1) !== -1) return -1;
  if (!wholeBytes(firstDot) || !wholeBytes(secondDot - firstDot - 1) || !wholeBytes(token.length - secondDot - 1)) return -1;
  return secondDot;
}

const BASE64URL_OR_EMPTY = /^[A-Za-z0-9_-]*$/;

/** Whether a segment is unpadded base64url (possibly empty). */
export function isBase64url(segment: string): boolean {
  return BASE64URL_OR_EMPTY.test(segment);
}

/**
 * The protected header of a token shaped like a compact JWS (two dots), decoded: a JSON
 * object, or undefined when the token is not that shape or the header is not an object.
 * Only the header segment is checked here; {@link compactJwsSecondDot} and the signature check do the rest.
 */
export function jwsHeader(token: string): Record<string, unknown> | undefined {
  const firstDot = token.indexOf('.');
  if (firstDot <= 0) return undefined;
  const secondDot = token.indexOf('.', firstDot + 1);
  if (secondDot === -1 || token.indexOf('.', secondDot + 1) !== -1) return undefined;
  return decodeJsonSegment(token.slice(0, firstDot));
}

/** A base64url segment holding a JSON object, decoded; undefined when it is anything else. */
export function decodeJsonSegment(segment: string): Record<string, unknown> | undefined {
  if (segment === '' || !isBase64url(segment) || !wholeBytes(segment.length)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Decodes a base64url segment to bytes (the caller checks its alphabet, or {@link decodesWhole} after). */
export function segmentBytes(segment: string): Buffer {
  return Buffer.from(segment, 'base64url');
}

/**
 * Whether `bytes`, decoded from the ASCII `segment` by {@link segmentBytes}, show the segment
 * to be unpadded base64url: Node's decoder skips characters outside the base64 and base64url
 * alphabets and stops at "=" (so fewer bytes come out), and reads + and / as base64. One
 * length comparison and two scans, where a regular expression would walk every character.
 * (For text that is not ASCII this proves nothing: the caller checks that first.)
 */
export function decodesWhole(segment: string, bytes: Buffer): boolean {
  return bytes.length === Math.floor((segment.length * 3) / 4) && !segment.includes('+') && !segment.includes('/');
}
