/**
 * The probes `lanekeeper probe` can send, each a token (or a request) that a correct API
 * must refuse, with what accepting it means and the one-line fix. Ids are stable: scripts,
 * JUnit reports and the fixtures' declarations use them.
 */

export type ProbeId =
  | 'no-token'
  | 'control'
  | 'id-token'
  | 'other-audience'
  | 'expired'
  | 'not-yet-valid'
  | 'typ-jwt'
  | 'no-scope'
  | 'too-little-scope'
  | 'unknown-key'
  | 'alg-none'
  | 'hs256-public-key'
  | 'tampered'
  | 'truncated-signature'
  | 'dpop-as-bearer'
  | 'query-string';

export type Severity = 'critical' | 'high' | 'medium' | 'low';

export interface ProbeSpec {
  id: ProbeId;
  /** What accepting it means, in words. */
  finding: string;
  severity: Severity;
  /** The one-line fix. */
  fix: string;
}

const spec = (id: ProbeId, severity: Severity, finding: string, fix: string): ProbeSpec => ({ id, severity, finding, fix });

export const PROBES: Readonly<Record<ProbeId, ProbeSpec>> = {
  'no-token': spec('no-token', 'critical', 'the endpoint answers without any token', 'protect the route: require an access token in the Authorization header'),
  control: spec('control', 'low', 'a valid access token is accepted (as it must be)', 'none needed'),
  'id-token': spec(
    'id-token',
    'critical',
    'accepts an ID token as an access token',
    'require header typ at+jwt and aud = this API; an ID token is for the client app only',
  ),
  'other-audience': spec('other-audience', 'high', 'ignores aud: accepts a token issued for another API', "check that aud contains this API's identifier"),
  expired: spec('expired', 'high', 'ignores exp: accepts an expired token', 'check exp, allowing a few seconds of clock skew and no more'),
  'not-yet-valid': spec('not-yet-valid', 'medium', 'ignores nbf: accepts a token before it is valid', 'check nbf, allowing a few seconds of clock skew'),
  'typ-jwt': spec('typ-jwt', 'medium', 'skips the typ check: other JWTs of the issuer pass as access tokens', 'require header typ at+jwt (RFC 9068 section 4)'),
  'no-scope': spec('no-scope', 'high', 'does not check scopes: accepts a token with no scope', "require the endpoint's scope and answer 403 insufficient_scope"),
  'too-little-scope': spec('too-little-scope', 'high', "does not check scopes: accepts a token without the endpoint's scope", "require the endpoint's scope and answer 403 insufficient_scope"),
  'unknown-key': spec('unknown-key', 'critical', 'accepts a signature by a key the issuer does not publish', "verify with the issuer's JWKS only, never a key the token names"),
  'alg-none': spec('alg-none', 'critical', 'accepts an unsigned token (alg none)', "pin the allowed algorithms to the issuer's asymmetric ones; never none"),
  'hs256-public-key': spec(
    'hs256-public-key',
    'critical',
    "lets the token pick HS256 and verifies it with the issuer's public key as the secret",
    'pin asymmetric algorithms; never let the header alg choose how to verify',
  ),
  tampered: spec('tampered', 'critical', 'does not verify the signature: accepts edited claims', 'verify the signature before reading any claim'),
  'truncated-signature': spec('truncated-signature', 'critical', 'does not verify the signature: accepts a cut signature', 'verify the signature before reading any claim'),
  'dpop-as-bearer': spec(
    'dpop-as-bearer',
    'high',
    'accepts a DPoP-bound token without its proof',
    'a token with cnf.jkt needs the DPoP scheme and a proof by that key (RFC 9449 section 7)',
  ),
  'query-string': spec(
    'query-string',
    'medium',
    'reads the token from the URL query, where it leaks into logs and Referer headers',
    'read access tokens only from the Authorization header',
  ),
};

/** The probes of each mode, in the order they are sent. */
export const OPERATOR_PROBES: readonly ProbeId[] = [
  'no-token',
  'control',
  'id-token',
  'other-audience',
  'expired',
  'not-yet-valid',
  'typ-jwt',
  'no-scope',
  'too-little-scope',
  'unknown-key',
  'alg-none',
  'hs256-public-key',
  'tampered',
  'dpop-as-bearer',
  'query-string',
];

export const FOREIGN_PROBES: readonly ProbeId[] = [
  'no-token',
  'control',
  'id-token',
  'tampered',
  'alg-none',
  'hs256-public-key',
  'truncated-signature',
  'query-string',
];

/** The most requests one run sends (one per probe). */
export const MAX_REQUESTS = OPERATOR_PROBES.length;

export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low'];
