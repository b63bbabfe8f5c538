import { base64url } from 'jose';
import {
  ACCESS_TOKEN_TYPES,
  BACKCHANNEL_LOGOUT_EVENT,
  DPOP_PROOF_TYPE,
  ID_TOKEN_CLAIMS,
  LOGOUT_TOKEN_TYPE,
  OPAQUE_PREFIXES,
  TOKEN68,
} from './constants.js';

/** The lane a token belongs to, as far as can be told without verifying it. */
export type TokenKind =
  | 'access_token_jwt'
  | 'id_token'
  | 'logout_token'
  | 'dpop_proof'
  | 'opaque_access_token'
  | 'refresh_token'
  | 'authorization_code'
  | 'jwt_unknown'
  | 'opaque_unknown'
  | 'malformed';

/** How a token is encoded. */
export type TokenFormat = 'jws' | 'jwe' | 'opaque' | 'malformed';

/** What {@link classifyToken} found out, with the signs that led to it. */
export interface TokenClassification {
  kind: TokenKind;
  format: TokenFormat;
  /** Human-readable reasons for `kind`, e.g. `"carries nonce"`, `"no scope claim"`. */
  evidence: string[];
  /** The decoded (unverified) protected header, for JWS and JWE. */
  header?: Record<string, unknown>;
  /** The decoded (unverified) claims, for JWS with a JSON object payload. */
  claims?: Record<string, unknown>;
}

type Json = Record<string, unknown>;

const utf8 = new TextDecoder();

/** @internal Decodes one base64url JSON-object segment of a compact JWS/JWE; undefined if it is not one. */
export function decodeSegment(segment: string): Json | undefined {
  if (segment === '' || !/^[A-Za-z0-9_-]+$/.test(segment)) return undefined;
  try {
    const value: unknown = JSON.parse(utf8.decode(base64url.decode(segment)));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** `typ` lower-cased with an optional `application/` prefix removed (RFC 7515 §4.1.9). */
export function normalizeTyp(typ: unknown): string | undefined {
  if (typeof typ !== 'string') return undefined;
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

/** True when a header `typ` names an RFC 9068 access token. */
export function isAccessTokenTyp(typ: unknown): boolean {
  return typeof typ === 'string' && (ACCESS_TOKEN_TYPES as readonly string[]).includes(typ.toLowerCase());
}

function classifyOpaque(token: string): TokenClassification {
  const opaque = (kind: TokenKind, evidence: string): TokenClassification => ({ kind, format: 'opaque', evidence: [evidence] });
  if (!TOKEN68.test(token)) {
    return { kind: 'malformed', format: 'malformed', evidence: ['contains characters a token may not have (RFC 7235 token68)'] };
  }
  if (token.startsWith(OPAQUE_PREFIXES.accessToken)) return opaque('opaque_access_token', `has the access-token prefix ${OPAQUE_PREFIXES.accessToken}`);
  if (token.startsWith(OPAQUE_PREFIXES.refreshToken)) return opaque('refresh_token', `has the refresh-token prefix ${OPAQUE_PREFIXES.refreshToken}`);
  if (token.startsWith(OPAQUE_PREFIXES.authorizationCode)) return opaque('authorization_code', `has the authorization-code prefix ${OPAQUE_PREFIXES.authorizationCode}`);
  return opaque('opaque_unknown', 'not a JWT and no known prefix; only the issuer can tell what it is (introspection)');
}

function hasLogoutEvent(claims: Json): boolean {
  const events = claims['events'];
  return typeof events === 'object' && events !== null && BACKCHANNEL_LOGOUT_EVENT in events;
}

function classifyJwtClaims(header: Json, claims: Json, evidence: string[]): TokenKind {
  const typ = normalizeTyp(header['typ']);
  if (typ === 'jwt') evidence.push('typ is JWT, not at+jwt');
  else if (typ === undefined) evidence.push('no typ header (access tokens have typ at+jwt)');
  else {
    evidence.push(`typ is ${typ}, which no token lane uses`);
    return 'jwt_unknown';
  }

  if (hasLogoutEvent(claims)) {
    evidence.push('events claim holds the back-channel logout event');
    return 'logout_token';
  }

  const idSigns = ID_TOKEN_CLAIMS.filter((name) => claims[name] !== undefined);
  const hasScope = claims['scope'] !== undefined || claims['scp'] !== undefined;
  const hasAud = typeof claims['aud'] === 'string' || Array.isArray(claims['aud']);
  for (const name of idSigns) evidence.push(`carries ${name}`);
  evidence.push(hasScope ? 'has a scope claim' : 'no scope claim');
  if (hasAud) evidence.push(`aud is ${JSON.stringify(claims['aud'])}`);
  else evidence.push('no aud claim');
  if (idSigns.length > 0 && !hasScope && hasAud) return 'id_token';
  if (hasScope) evidence.push('looks like an access token, but one not typed at+jwt (not RFC 9068)');
  return 'jwt_unknown';
}

/**
 * Tells which lane a token belongs to WITHOUT verifying it: decode only, no I/O, no keys.
 * The result is a hint for refusals and diagnostics, never a reason to accept a token.
 *
 * - header `typ` `at+jwt` / `application/at+jwt` → `access_token_jwt`
 * - `typ` `dpop+jwt` → `dpop_proof`; `logout+jwt` or a back-channel logout `events` claim → `logout_token`
 * - `typ` `JWT` or absent, with `nonce`/`auth_time`/`at_hash`/`c_hash`/`azp`, no `scope`, and an `aud` → `id_token`
 * - five parts (JWE) → `jwt_unknown` (encrypted, unreadable here)
 * - `lk_at_` / `lk_rt_` / `lk_code_` → `opaque_access_token` / `refresh_token` / `authorization_code`
 * - any other token68 string → `opaque_unknown`; anything else → `malformed`
 */
export function classifyToken(token: string): TokenClassification {
  if (typeof token !== 'string' || token.length === 0) {
    return { kind: 'malformed', format: 'malformed', evidence: ['empty'] };
  }
  const parts = token.split('.');
  if (parts.length === 5) {
    const header = decodeSegment(parts[0] ?? '');
    if (!header) return { kind: 'malformed', format: 'malformed', evidence: ['five parts like a JWE, but the header is not base64url-encoded JSON'] };
    return {
      kind: 'jwt_unknown',
      format: 'jwe',
      header,
      evidence: ['encrypted JWT (JWE, five parts); its claims cannot be read without the decryption key'],
    };
  }
  if (parts.length !== 3) return classifyOpaque(token);

  const header = decodeSegment(parts[0] ?? '');
  if (!header) return { kind: 'malformed', format: 'malformed', evidence: ['three parts like a JWT, but the header is not base64url-encoded JSON'] };
  const claims = decodeSegment(parts[1] ?? '');
  const typ = normalizeTyp(header['typ']);
  const evidence: string[] = [];
  if (typeof header['alg'] === 'string') evidence.push(`alg is ${header['alg']}`);
  if (typ === 'at+jwt') {
    evidence.unshift('typ is at+jwt (RFC 9068 access token)');
    return { kind: 'access_token_jwt', format: 'jws', header, ...(claims ? { claims } : {}), evidence };
  }
  if (typ === DPOP_PROOF_TYPE) {
    evidence.unshift('typ is dpop+jwt (RFC 9449 DPoP proof)');
    return { kind: 'dpop_proof', format: 'jws', header, ...(claims ? { claims } : {}), evidence };
  }
  if (typ === LOGOUT_TOKEN_TYPE) {
    evidence.unshift('typ is logout+jwt (back-channel logout token)');
    return { kind: 'logout_token', format: 'jws', header, ...(claims ? { claims } : {}), evidence };
  }
  if (!claims) {
    evidence.push('payload is not a JSON object, so it is not a JWT claims set');
    return { kind: 'malformed', format: 'malformed', header, evidence };
  }
  const kind = classifyJwtClaims(header, claims, evidence);
  return { kind, format: 'jws', header, claims, evidence };
}
