/**
 * A token's lane as `inspect` reports it: the guard's classification
 * (`@lanekeeper/guard/lanes`), refined with what a person needs besides — vendor shapes of
 * access tokens that are not typed at+jwt, what introspection said of an opaque string —
 * with the evidence and how sure the call is.
 */
import { ID_TOKEN_CLAIMS, type TokenClassification, type TokenKind } from '@lanekeeper/guard/lanes';
import { opaqueShape, type Certainty, type VendorShape } from './vendor-shapes.js';

export type InspectLaneKind =
  | 'id_token'
  | 'access_token_jwt'
  | 'vendor_access_token_jwt'
  | 'opaque_access_token'
  | 'refresh_token'
  | 'authorization_code'
  | 'opaque_unknown'
  | 'dpop_proof'
  | 'logout_token'
  | 'jwe'
  | 'jwt_unknown'
  | 'not_a_token';

export interface InspectLane {
  kind: InspectLaneKind;
  /** The guard's own lane for the token (`classifyToken`), which its refusals follow. */
  guard_kind: TokenKind;
  /** For people: `ID token`. */
  label: string;
  certainty: Certainty | 'unknown';
  /** What the token is for and who reads it. */
  summary: string;
  /** The signs that made the call. */
  evidence: string[];
  /** The token names a DPoP key (`cnf.jkt`): it is useless without a proof by that key. */
  dpop_bound: boolean;
}

const labels: Record<InspectLaneKind, [string, string]> = {
  id_token: ['ID token', 'for the client app only: it says who signed in, never what an API may do'],
  access_token_jwt: ['JWT access token (RFC 9068)', 'for the API named in aud: it says what the caller may do there'],
  vendor_access_token_jwt: [
    'JWT access token, vendor format (not typed at+jwt)',
    'an access token by its claims; an API that requires RFC 9068 (typ at+jwt) refuses it',
  ],
  opaque_access_token: ['opaque access token', 'a reference for the API: only the issuer can say what it allows (introspection)'],
  refresh_token: ['refresh token', 'for the client app and the token endpoint only: exchanged for new access tokens, never sent to an API'],
  authorization_code: ['authorization code', 'for the client app to redeem once at the token endpoint, within seconds'],
  opaque_unknown: ['opaque, kind unknown', 'not a JWT and no known prefix: only the issuer can tell what it is (introspection)'],
  dpop_proof: ['DPoP proof (RFC 9449)', 'sent in the DPoP header beside an access token, once, for one request: proves the caller holds a key'],
  logout_token: ['back-channel logout token', 'the issuer sends it to the client app to end a session; never sent to an API'],
  jwe: ['encrypted JWT (JWE)', 'its claims can be read only with the recipient\'s private key'],
  jwt_unknown: ['JWT of unknown kind', 'a signed JWT that is neither an access token, an ID token, a proof nor a logout token'],
  not_a_token: ['not a token', 'neither a JWT nor a token68 string an Authorization header could carry'],
};

export interface IntrospectionSummary {
  active: boolean;
  token_type?: string | undefined;
}

function idTokenCertainty(claims: Record<string, unknown> | undefined): Certainty {
  const signs = ID_TOKEN_CLAIMS.filter((name) => claims?.[name] !== undefined).length;
  return signs >= 2 ? 'likely' : 'possible';
}

function boundKey(claims: Record<string, unknown> | undefined): string | undefined {
  const cnf = claims?.['cnf'];
  if (typeof cnf !== 'object' || cnf === null) return undefined;
  const jkt = (cnf as Record<string, unknown>)['jkt'];
  return typeof jkt === 'string' ? jkt : undefined;
}

function lane(kind: InspectLaneKind, guardKind: TokenKind, certainty: InspectLane['certainty'], evidence: string[], dpopBound = false): InspectLane {
  const [label, summary] = labels[kind];
  // The lane's own signs first; the algorithm is context, not a sign of the lane.
  const isAlg = (e: string) => e.startsWith('alg is ');
  evidence = [...evidence.filter((e) => !isAlg(e)), ...evidence.filter(isAlg)];
  return {
    kind,
    guard_kind: guardKind,
    label: dpopBound ? `${label}, DPoP-bound` : label,
    certainty,
    summary,
    evidence,
    dpop_bound: dpopBound,
  };
}

const ACCESS_TYPES = new Set(['access_token', 'bearer', 'dpop', 'n_a', 'urn:ietf:params:oauth:token-type:access_token']);
const REFRESH_TYPES = new Set(['refresh_token', 'urn:ietf:params:oauth:token-type:refresh_token']);

function opaqueLane(c: TokenClassification, token: string, introspection: IntrospectionSummary | undefined): InspectLane {
  const evidence = [...c.evidence];
  if (c.kind !== 'opaque_unknown') return lane(c.kind as InspectLaneKind, c.kind, 'certain', [...evidence, 'a Lanekeeper type prefix: the string itself says what it is']);
  const type = introspection?.token_type?.toLowerCase();
  if (introspection?.active && type && ACCESS_TYPES.has(type)) {
    return lane('opaque_access_token', c.kind, 'certain', [...evidence, `the issuer says so by introspection (token_type ${introspection.token_type})`]);
  }
  if (introspection?.active && type && REFRESH_TYPES.has(type)) {
    return lane('refresh_token', c.kind, 'certain', [...evidence, `the issuer says so by introspection (token_type ${introspection.token_type})`]);
  }
  if (introspection && !introspection.active) evidence.push('introspection: not active (expired, revoked, unknown, or not for this caller)');
  const shape = opaqueShape(token);
  if (shape) evidence.push(...shape.signs);
  return lane('opaque_unknown', c.kind, 'unknown', evidence);
}

/**
 * The lane of a token from the guard's classification, a vendor shape of its claims, and
 * (for opaque strings) what introspection said.
 */
export function describeLane(
  c: TokenClassification,
  token: string,
  shape: VendorShape | undefined,
  introspection?: IntrospectionSummary,
): InspectLane {
  const evidence = [...c.evidence];
  const jkt = boundKey(c.claims);
  if (jkt !== undefined) evidence.push('cnf.jkt: bound to a DPoP key (send it with the DPoP scheme and a proof)');
  const shapeSays = () => (shape ? `its claims fit the ${shape.name} ${shape.token.replace('_', ' ')} shape (${shape.certainty})` : '');

  switch (c.kind) {
    case 'access_token_jwt':
      return lane('access_token_jwt', c.kind, 'certain', evidence, jkt !== undefined);
    case 'dpop_proof':
      return lane('dpop_proof', c.kind, 'certain', evidence);
    case 'logout_token':
      return lane('logout_token', c.kind, c.header?.['typ'] !== undefined && String(c.header['typ']).toLowerCase().endsWith('logout+jwt') ? 'certain' : 'likely', evidence);
    case 'id_token': {
      if (shape?.token === 'access_token' && shape.certainty !== 'possible') {
        evidence.push(shapeSays(), 'the guard\'s lane rules still read it as an ID token (ID-token claims, no scope)');
        return lane('vendor_access_token_jwt', c.kind, shape.certainty, evidence, jkt !== undefined);
      }
      if (shape?.token === 'id_token') evidence.push(shapeSays());
      return lane('id_token', c.kind, shape?.token === 'id_token' && shape.certainty === 'certain' ? 'certain' : idTokenCertainty(c.claims), evidence);
    }
    case 'opaque_access_token':
    case 'refresh_token':
    case 'authorization_code':
    case 'opaque_unknown':
      return opaqueLane(c, token, introspection);
    case 'malformed':
      return lane('not_a_token', c.kind, 'certain', evidence);
    case 'jwt_unknown': {
      if (c.format === 'jwe') return lane('jwe', c.kind, 'certain', evidence);
      if (shape) {
        evidence.push(shapeSays());
        const kinds: Record<string, InspectLaneKind> = {
          access_token: 'vendor_access_token_jwt',
          id_token: 'id_token',
          refresh_token: 'refresh_token',
          logout_token: 'logout_token',
        };
        return lane(kinds[shape.token] ?? 'jwt_unknown', c.kind, shape.certainty, evidence, jkt !== undefined);
      }
      const scoped = c.claims?.['scope'] !== undefined || c.claims?.['scp'] !== undefined;
      if (scoped) return lane('vendor_access_token_jwt', c.kind, 'possible', evidence, jkt !== undefined);
      return lane('jwt_unknown', c.kind, 'unknown', evidence);
    }
    default:
      return lane('jwt_unknown', c.kind, 'unknown', evidence);
  }
}
