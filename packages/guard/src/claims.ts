import { invalidToken } from './errors.js';
import { isObject } from './http.js';
import { audienceList } from './lanes/verdict.js';
import { messages } from './lanes/messages.js';
import { parseScopes } from './scopes.js';

/** What the claims are checked against (the guard's JWT verifier options serve as they are). */
export interface ClaimCheckOptions {
  issuer: string;
  audience: string;
  toleranceSec: number;
}

/** What the guard keeps of a token once its claims check out. */
export interface CheckedClaims {
  claims: Readonly<Record<string, unknown>>;
  sub: string;
  clientId: string;
  scopes: readonly string[];
  /** RFC 9449 confirmation: the thumbprint of the key the token is bound to. */
  jkt: string | undefined;
  /** Seconds since the epoch; undefined only for introspected tokens without exp. */
  exp: number | undefined;
  /** `jwt`: verified with the issuer's keys; `introspection`: the issuer vouched for it. */
  source: 'jwt' | 'introspection';
  /** The JWKS entry that verified the signature (undefined for introspected tokens). */
  keyId: string | undefined;
}

const refusedIntrospectionTypes = new Set([
  'refresh_token',
  'id_token',
  'authorization_code',
  'urn:ietf:params:oauth:token-type:refresh_token',
  'urn:ietf:params:oauth:token-type:id_token',
]);

// The claims are read by name at each call site (claims.exp, not claims[name]): one helper
// reading several names makes V8's property lookup megamorphic (~600 instructions per token).
function optionalNumber(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidToken(messages.invalidClaim(name));
  return value;
}

function requiredString(value: unknown, name: string): string {
  if (value === undefined) throw invalidToken(messages.missingClaim(name));
  if (typeof value !== 'string' || value === '') throw invalidToken(messages.invalidClaim(name));
  return value;
}

function boundKey(claims: Record<string, unknown>): string | undefined {
  const cnf = claims['cnf'];
  if (cnf === undefined) return undefined;
  if (!isObject(cnf)) throw invalidToken(messages.invalidClaim('cnf'));
  const jkt = cnf['jkt'];
  if (jkt === undefined) return undefined;
  if (typeof jkt !== 'string' || jkt === '') throw invalidToken(messages.invalidClaim('cnf.jkt'));
  return jkt;
}

/** iss (when required or present), aud, exp, nbf, iat, sub, client_id, cnf — in that order. */
function checkCommon(claims: Record<string, unknown>, o: ClaimCheckOptions, nowSec: number, keyId: string | undefined): CheckedClaims {
  // exp is required of JWTs (verified with a key), optional in introspection answers.
  const expRequired = keyId !== undefined;
  const audClaim = claims['aud'];
  if (audClaim !== o.audience) {
    const aud = audienceList(audClaim);
    if (!aud?.includes(o.audience)) throw invalidToken(messages.audienceMismatch(aud, o.audience));
  }

  const exp = optionalNumber(claims['exp'], 'exp');
  if (exp === undefined && expRequired) throw invalidToken(messages.missingExp);
  if (exp !== undefined && nowSec - o.toleranceSec >= exp) throw invalidToken(messages.expired);
  const nbf = optionalNumber(claims['nbf'], 'nbf');
  if (nbf !== undefined && nbf > nowSec + o.toleranceSec) throw invalidToken(messages.notYetValid);
  const iat = optionalNumber(claims['iat'], 'iat');
  if (iat !== undefined && iat > nowSec + o.toleranceSec) throw invalidToken(messages.issuedInFuture);

  const sub = requiredString(claims['sub'], 'sub');
  const clientId = requiredString(claims['client_id'], 'client_id');
  const jkt = boundKey(claims);
  const source = keyId === undefined ? 'introspection' : 'jwt';
  return { claims, sub, clientId, scopes: parseScopes(claims), jkt, exp, source, keyId };
}

/**
 * Freezes what a principal shares with others: claims and scopes kept in a cache are handed to
 * every request that presents the same token. (Claims checked for one request alone are that
 * request's own; freezing them would only cost time.)
 */
export function freezeShared(checked: CheckedClaims): CheckedClaims {
  Object.freeze(checked.claims);
  Object.freeze(checked.scopes);
  return checked;
}

/** The claim checks for a JWT access token whose signature the key `keyId` verified; `nowSec` is the time to check against. */
export function checkJwtClaims(claims: Record<string, unknown>, o: ClaimCheckOptions, nowSec: number, keyId: string): CheckedClaims {
  const iss = claims['iss'];
  if (iss !== o.issuer) throw invalidToken(messages.issuerMismatch(typeof iss === 'string' ? iss : '(no iss)', o.issuer));
  return checkCommon(claims, o, nowSec, keyId);
}

/** The checks for an RFC 7662 introspection response. */
export function checkIntrospection(response: Record<string, unknown>, o: ClaimCheckOptions, nowSec: number): CheckedClaims {
  if (response['active'] !== true) throw invalidToken(messages.inactive);
  const tokenType = response['token_type'];
  if (typeof tokenType === 'string' && refusedIntrospectionTypes.has(tokenType.toLowerCase())) {
    throw invalidToken(messages.introspectedNotAccessToken);
  }
  const iss = response['iss'];
  if (iss !== undefined && iss !== o.issuer) {
    throw invalidToken(messages.issuerMismatch(typeof iss === 'string' ? iss : '(invalid iss)', o.issuer));
  }
  // The Introspector caches responses: the same object may serve many requests.
  return freezeShared(checkCommon(response, o, nowSec, undefined));
}
