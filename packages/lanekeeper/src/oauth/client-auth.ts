import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { ApiRecord, ClientRecord } from '../store/index.js';
import { verifySecret } from '../clients/secrets.js';
import { nowSeconds } from '../store/index.js';
import { OAuthError } from './errors.js';
import type { Params } from './params.js';
import { endpoints, type OAuthContext } from './context.js';

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const ASYMMETRIC_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
/** The longest lifetime we accept for a client assertion, seconds. */
const MAX_ASSERTION_LIFETIME = 300;

export type AuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';

export type Caller =
  | { kind: 'client'; client: ClientRecord; method: AuthMethod }
  | { kind: 'api'; api: ApiRecord; method: AuthMethod };

export interface AuthInput {
  authorization: string | undefined;
  params: Params;
  /** The DPoP header(s), at the token endpoint. */
  dpop?: string | string[];
}

export interface AuthOptions {
  /** Accept an API's own credentials (introspection). */
  allowApis?: boolean;
  /** Accept a public client identified by client_id alone. */
  allowPublic?: boolean;
}

function failed(basic: boolean): OAuthError {
  return new OAuthError('invalid_client', 'client authentication failed', basic ? { headers: { 'WWW-Authenticate': 'Basic realm="lanekeeper", charset="UTF-8"' } } : {});
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

function parseBasic(header: string): { id: string; secret: string } {
  const encoded = header.slice(6).trim();
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (!/^[A-Za-z0-9+/]+=*$/.test(encoded) || colon < 1) throw failed(true);
  try {
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw failed(true);
  }
}

const remoteSets = new Map<string, JWTVerifyGetKey>();

function clientKeys(client: ClientRecord): JWTVerifyGetKey {
  if (client.jwks) return createLocalJWKSet(client.jwks as never);
  const uri = client.jwksUri!;
  let set = remoteSets.get(uri);
  if (!set) {
    set = createRemoteJWKSet(new URL(uri), { timeoutDuration: 3000, cooldownDuration: 30_000 });
    remoteSets.set(uri, set);
  }
  return set;
}

async function verifyAssertion(ctx: OAuthContext, assertion: string, clientIdParam: string | undefined): Promise<Caller> {
  let claimed: string | undefined;
  try {
    const payload = decodeJwt(assertion);
    claimed = typeof payload.sub === 'string' ? payload.sub : undefined;
  } catch {
    throw failed(false);
  }
  if (!claimed || (clientIdParam !== undefined && clientIdParam !== claimed)) throw failed(false);
  const client = await ctx.registry.getClient(claimed);
  if (!client || client.tokenEndpointAuthMethod !== 'private_key_jwt') throw failed(false);
  const issuer = ctx.issuer();
  const allowedAud = new Set([issuer, endpoints(issuer).token]);
  let payload;
  try {
    ({ payload } = await jwtVerify(assertion, clientKeys(client), {
      issuer: client.clientId,
      subject: client.clientId,
      algorithms: ASYMMETRIC_ALGS,
      requiredClaims: ['exp', 'jti', 'aud'],
      clockTolerance: 5,
    }));
  } catch {
    throw failed(false);
  }
  const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (aud.length === 0 || !aud.every((a) => typeof a === 'string' && allowedAud.has(a))) throw failed(false);
  const now = nowSeconds();
  const exp = payload.exp!;
  if (exp - (payload.iat ?? now) > MAX_ASSERTION_LIFETIME || exp - now > MAX_ASSERTION_LIFETIME) throw failed(false);
  const fresh = await ctx.store.jtis.useAssertionOnce(client.clientId, String(payload.jti), exp);
  if (!fresh) throw new OAuthError('invalid_client', 'client assertion was already used (jti replay)');
  return { kind: 'client', client, method: 'private_key_jwt' };
}

/**
 * Authenticates the caller of the token, introspection or revocation endpoint
 * (RFC 6749 §2.3, RFC 7523 §2.2). Failures never say whether the client exists.
 */
export async function authenticateCaller(ctx: OAuthContext, input: AuthInput, options: AuthOptions = {}): Promise<Caller> {
  const { authorization, params } = input;
  const basic = authorization !== undefined && /^basic /i.test(authorization);
  const assertionType = params.get('client_assertion_type');
  const assertion = params.get('client_assertion');
  const postSecret = params.get('client_secret');
  const clientIdParam = params.get('client_id');

  const methods = [basic, assertionType !== undefined || assertion !== undefined, postSecret !== undefined].filter(Boolean).length;
  if (methods > 1) throw new OAuthError('invalid_request', 'use exactly one client authentication method');
  if (authorization !== undefined && !basic) throw failed(false);

  if (assertionType !== undefined || assertion !== undefined) {
    if (assertionType !== JWT_BEARER_ASSERTION) throw new OAuthError('invalid_request', `client_assertion_type must be ${JWT_BEARER_ASSERTION}`);
    if (!assertion) throw new OAuthError('invalid_request', 'missing parameter "client_assertion"');
    return verifyAssertion(ctx, assertion, clientIdParam);
  }

  let id: string;
  let secret: string | undefined;
  let method: AuthMethod;
  if (basic) {
    ({ id, secret } = parseBasic(authorization!));
    if (clientIdParam !== undefined && clientIdParam !== id) throw failed(true);
    method = 'client_secret_basic';
  } else if (postSecret !== undefined) {
    if (clientIdParam === undefined) throw failed(false);
    id = clientIdParam;
    secret = postSecret;
    method = 'client_secret_post';
  } else {
    if (clientIdParam === undefined) throw new OAuthError('invalid_client', 'client authentication is required');
    id = clientIdParam;
    method = 'none';
  }

  const client = await ctx.registry.getClient(id);
  if (client) {
    if (method === 'none') {
      if (options.allowPublic && client.tokenEndpointAuthMethod === 'none') return { kind: 'client', client, method };
      throw failed(false);
    }
    // Basic and post are interchangeable for a secret-holding client: both send the same secret over TLS.
    const secretClient = client.tokenEndpointAuthMethod === 'client_secret_basic' || client.tokenEndpointAuthMethod === 'client_secret_post';
    if (verifySecret(secret!, client.secretHash) && secretClient) return { kind: 'client', client, method };
    throw failed(basic);
  }
  if (options.allowApis && method !== 'none') {
    const api = await ctx.registry.getApiByClientId(id);
    if (api && verifySecret(secret!, api.introspectionSecretHash)) return { kind: 'api', api, method };
  } else if (method !== 'none') {
    verifySecret(secret!, null);
  }
  throw failed(basic);
}
