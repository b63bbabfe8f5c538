/**
 * Building the forged and altered JWTs `probe` sends. Signing and hashing are node:crypto's
 * (and Lanekeeper's own `signCompact`); this file only arranges headers and claims.
 */
import { createHmac, createPublicKey, generateKeyPairSync, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import { signCompact } from '../keys/jws.js';

export type Json = Record<string, unknown>;

export function encodeSegment(value: Json): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeSegment(segment: string | undefined): Json | undefined {
  if (!segment) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

export interface DecodedJwt {
  header: Json;
  claims: Json;
  parts: [string, string, string];
}

export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const header = decodeSegment(parts[0]);
  const claims = decodeSegment(parts[1]);
  if (!header || !claims) return undefined;
  return { header, claims, parts: parts as [string, string, string] };
}

/** alg none: header and claims, an empty signature. */
export function unsignedJwt(header: Json, claims: Json): string {
  return `${encodeSegment({ ...header, alg: 'none' })}.${encodeSegment(claims)}.`;
}

/** HS256 keyed with `secret` (the classic confusion: the issuer's public key PEM as the secret). */
export function hs256Jwt(header: Json, claims: Json, secret: string): string {
  const input = `${encodeSegment({ ...header, alg: 'HS256' })}.${encodeSegment(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** A public key as SPKI PEM, the form vulnerable libraries take as an HMAC secret. */
export function publicKeyPem(key: KeyObject): string {
  const publicKey = key.type === 'public' ? key : createPublicKey(key);
  return String(publicKey.export({ type: 'spki', format: 'pem' }));
}

/** A JWK's public key as SPKI PEM. Throws when it is not a usable public key. */
export function jwkPem(jwk: JsonWebKey): string {
  return publicKeyPem(createPublicKey({ key: jwk, format: 'jwk' }));
}

/** The claims replaced, the header and signature kept. */
export function withClaims(jwt: DecodedJwt, claims: Json): string {
  return `${jwt.parts[0]}.${encodeSegment(claims)}.${jwt.parts[2]}`;
}

/** The signature cut to half its length (whole base64url quads, so it still decodes). */
export function truncatedSignature(jwt: DecodedJwt): string {
  const signature = jwt.parts[2];
  const keep = Math.max(4, Math.floor(signature.length / 8) * 4);
  return `${jwt.parts[0]}.${jwt.parts[1]}.${signature.slice(0, Math.min(keep, signature.length - 4))}`;
}

/** A key of the same algorithm that no issuer published, and a kid no JWKS holds. */
export function strangerKey(alg: string): { kid: string; key: KeyObject } {
  const kid = `probe-${randomUUID()}`;
  if (alg === 'RS256') return { kid, key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey };
  if (alg === 'EdDSA') return { kid, key: generateKeyPairSync('ed25519').privateKey };
  return { kid, key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey };
}

/** Signs with one of the algorithms Lanekeeper signs with (RS256, ES256, EdDSA). */
export function signJwt(header: Json & { alg: string }, claims: Json, key: KeyObject): string {
  return signCompact(header, claims, key);
}
