/**
 * The tokens each probe sends. Operator mode mints them with the deployment's own keys,
 * shaped exactly as the server shapes them (`tokens/access-token.ts`, `tokens/id-token.ts`),
 * so every variant is one its trusted issuer could really have signed. Foreign mode works
 * from the tokens it is given and the issuer's public JWKS only.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { Keyring } from '../keys/keyring.js';
import { mintAccessToken } from '../tokens/access-token.js';
import { mintIdToken } from '../tokens/id-token.js';
import { PREFIX } from '../util/prefixes.js';
import type { ProbeId } from './probe-catalog.js';
import type { Placement } from './probe-http.js';
import {
  decodeJwt,
  hs256Jwt,
  jwkPem,
  publicKeyPem,
  signJwt,
  strangerKey,
  truncatedSignature,
  unsignedJwt,
  withClaims,
  type DecodedJwt,
  type Json,
} from './probe-tokens.js';

export interface ProbeCase {
  id: ProbeId;
  /** What is sent, in a few words; never the token. */
  sent: string;
  placement: Placement;
  token?: string;
  /** Set when the case cannot be built here: it is reported as skipped, with this reason. */
  skip?: string;
  /**
   * When acceptance is only a finding if something the probe does not know holds (a scope
   * the endpoint needs): the verdict is then inconclusive, with this note.
   */
  acceptedOnlyIf?: string;
}

export interface Deployment {
  issuer: string;
  api: { identifier: string; alg: string; scopes: string[]; ttl: number };
  /** Another API of the deployment (or a made-up identifier when it has one API). */
  otherAudience: string;
  /** A client of the API: the ID token's audience and the access tokens' client_id. */
  client: { id: string; idTokenAlg: string };
  keys: Keyring;
}

const HOUR = 3600;

/** Every operator-mode probe, minted with the deployment's keys. */
export async function operatorCases(d: Deployment, requiredScopes: readonly string[], nowSec = Math.floor(Date.now() / 1000)): Promise<ProbeCase[]> {
  const scopes = [...new Set([...d.api.scopes, ...requiredScopes])];
  const grantId = `${PREFIX.grant}probe_${randomBytes(8).toString('hex')}`;
  const mint = (extra: { jkt?: string } = {}) =>
    mintAccessToken(d.keys, {
      issuer: d.issuer,
      audience: d.api.identifier,
      sub: d.client.id,
      clientId: d.client.id,
      scopes,
      ttl: Math.min(d.api.ttl, 600),
      grantId,
      format: 'jwt',
      alg: d.api.alg,
      now: nowSec,
      ...extra,
    });
  const control = (await mint()).token;
  const jwt = decodeJwt(control) as DecodedJwt;
  const signer = d.keys.signer(d.api.alg);
  const sign = (claims: Json, header: Json = jwt.header) => signJwt({ ...header, alg: signer.alg, kid: signer.kid }, claims, signer.keyObject);
  const { scope: _scope, ...unscoped } = jwt.claims;

  const idToken = await mintIdToken(d.keys, {
    issuer: d.issuer,
    sub: d.client.id,
    clientId: d.client.id,
    alg: d.client.idTokenAlg,
    now: nowSec,
    ttl: HOUR,
    authTime: nowSec - 60,
    nonce: randomBytes(12).toString('base64url'),
    accessToken: control,
    claims: {},
  });

  const stranger = strangerKey(signer.alg);
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jkt = await calculateJwkThumbprint(publicKey.export({ format: 'jwk' }) as JWK);
  const bound = (await mint({ jkt })).token;

  const required = requiredScopes.filter((s) => s !== '');
  const fewer = d.api.scopes.filter((s) => !required.includes(s));
  const cases: ProbeCase[] = [
    { id: 'no-token', sent: 'no token', placement: 'none' },
    { id: 'control', sent: 'valid access token', placement: 'bearer', token: control },
    { id: 'id-token', sent: `ID token of client ${d.client.id}`, placement: 'bearer', token: idToken },
    { id: 'other-audience', sent: 'token for another API', placement: 'bearer', token: sign({ ...jwt.claims, aud: d.otherAudience }) },
    { id: 'expired', sent: 'expired 1 h ago', placement: 'bearer', token: sign({ ...jwt.claims, iat: nowSec - 2 * HOUR, exp: nowSec - HOUR }) },
    { id: 'not-yet-valid', sent: 'nbf 1 h ahead', placement: 'bearer', token: sign({ ...jwt.claims, nbf: nowSec + HOUR, exp: nowSec + 2 * HOUR }) },
    { id: 'typ-jwt', sent: 'typ JWT, not at+jwt', placement: 'bearer', token: sign(jwt.claims, { ...jwt.header, typ: 'JWT' }) },
    {
      id: 'no-scope',
      sent: 'no scope claim',
      placement: 'bearer',
      token: sign(unscoped),
      ...(required.length ? {} : { acceptedOnlyIf: 'accepted: right only if this endpoint needs no scope (name the scope it needs with --scope)' }),
    },
    required.length && fewer.length
      ? { id: 'too-little-scope', sent: `scope ${fewer.join(' ')}`, placement: 'bearer', token: sign({ ...jwt.claims, scope: fewer.join(' ') }) }
      : {
          id: 'too-little-scope',
          sent: 'fewer scopes',
          placement: 'bearer',
          skip: required.length ? 'the API defines no scope besides the required one' : 'needs --scope (the scope the endpoint requires)',
        },
    {
      id: 'unknown-key',
      sent: 'key not in the JWKS',
      placement: 'bearer',
      token: signJwt({ ...jwt.header, alg: signer.alg, kid: stranger.kid }, jwt.claims, stranger.key),
    },
    { id: 'alg-none', sent: 'alg none, no signature', placement: 'bearer', token: unsignedJwt(jwt.header, jwt.claims) },
    { id: 'hs256-public-key', sent: 'HS256, public key as secret', placement: 'bearer', token: hs256Jwt(jwt.header, jwt.claims, publicKeyPem(signer.keyObject)) },
    { id: 'tampered', sent: 'edited claims, old signature', placement: 'bearer', token: withClaims(jwt, { ...jwt.claims, sub: `${d.client.id}-tampered`, scope: [...scopes, 'admin'].join(' ') }) },
    { id: 'dpop-as-bearer', sent: 'DPoP-bound token as Bearer', placement: 'bearer', token: bound },
    { id: 'query-string', sent: 'token in ?access_token=', placement: 'query', token: control },
  ];
  return cases;
}

export interface ForeignInput {
  accessToken: string;
  idToken?: string | undefined;
  /** The issuer's JWKS, when it could be fetched (for the HS256 confusion). */
  jwks?: { keys: JWK[] } | undefined;
  /** Why the JWKS is missing, when it is. */
  jwksProblem?: string | undefined;
}

/** The key the HS256 confusion uses: the JWKS entry the token's kid names, or its only key. */
function confusionKey(header: Json, jwks: { keys: JWK[] }): JWK | undefined {
  const kid = header['kid'];
  if (typeof kid === 'string') return jwks.keys.find((k) => k.kid === kid);
  return jwks.keys.length === 1 ? jwks.keys[0] : undefined;
}

/** Foreign-mode probes: the variants that need no signing key. */
export function foreignCases(input: ForeignInput): ProbeCase[] {
  const jwt = decodeJwt(input.accessToken);
  const needsJwt = 'the access token is not a JWT';
  const cases: ProbeCase[] = [
    { id: 'no-token', sent: 'no token', placement: 'none' },
    { id: 'control', sent: 'the given access token', placement: 'bearer', token: input.accessToken },
    input.idToken !== undefined
      ? { id: 'id-token', sent: 'the given ID token', placement: 'bearer', token: input.idToken }
      : { id: 'id-token', sent: 'an ID token', placement: 'none', skip: 'needs --id-token' },
  ];
  if (!jwt) {
    for (const id of ['tampered', 'alg-none', 'hs256-public-key', 'truncated-signature'] as const) cases.push({ id, sent: 'a JWT variant', placement: 'none', skip: needsJwt });
  } else {
    const sub = typeof jwt.claims['sub'] === 'string' ? jwt.claims['sub'] : 'subject';
    cases.push(
      { id: 'tampered', sent: 'edited claims, old signature', placement: 'bearer', token: withClaims(jwt, { ...jwt.claims, sub: `${sub}-tampered` }) },
      { id: 'alg-none', sent: 'alg none, no signature', placement: 'bearer', token: unsignedJwt(jwt.header, jwt.claims) },
    );
    const key = input.jwks ? confusionKey(jwt.header, input.jwks) : undefined;
    let pem: string | undefined;
    try {
      pem = key ? jwkPem(key as never) : undefined;
    } catch {
      pem = undefined;
    }
    cases.push(
      pem
        ? { id: 'hs256-public-key', sent: 'HS256, JWKS key as secret', placement: 'bearer', token: hs256Jwt(jwt.header, jwt.claims, pem) }
        : {
            id: 'hs256-public-key',
            sent: 'HS256, JWKS key as secret',
            placement: 'none',
            skip: input.jwksProblem ?? "the issuer's JWKS has no key for the token's kid",
          },
      { id: 'truncated-signature', sent: 'signature cut short', placement: 'bearer', token: truncatedSignature(jwt) },
    );
  }
  cases.push({ id: 'query-string', sent: 'token in ?access_token=', placement: 'query', token: input.accessToken });
  return cases;
}

