/**
 * The guard's verdict on ONE token, outside any request: for tools such as `lanekeeper
 * inspect --audience` that must answer "would an API with this audience accept this token,
 * and if not, why" with exactly the guard's rules and words.
 *
 * It runs a real guard ({@link createGuard}) on a request that carries the token in the
 * Authorization header, so every step is the guard's own: lane, algorithm, key, signature,
 * claims or introspection, then scopes. What belongs to a request and not to the token is
 * left out: where the token travelled (query, body) and the DPoP proof. A DPoP-bound token
 * that passes every token-level check is accepted with its `jkt`: the API will also need a
 * proof signed by that key.
 * @module
 */
import { createGuard, type ScopeRequirements } from './guard.js';
import { GuardError, type GuardErrorCode, type GuardErrorStatus } from './errors.js';
import { isObject, type FetchLike } from './http.js';
import { decodeJsonSegment } from './jws.js';
import { messages } from './lanes/messages.js';
import type { GuardOptions } from './options.js';
import type { Principal } from './principal.js';
import { parseScopes, requireAnyScope, requireScopes } from './scopes.js';

export { discover, metadataUrls, DiscoveryError } from './discovery.js';
export type { IssuerMetadata } from './discovery.js';

export interface TokenCheckOptions
  extends Pick<GuardOptions, 'issuer' | 'audience' | 'algorithms' | 'clockTolerance' | 'jwksUri' | 'introspection' | 'timeout' | 'fetch' | 'now'>,
    ScopeRequirements {
  /**
   * The issuer's JWKS, already in hand: no request is made for keys (offline). Default: fetched
   * from `jwksUri`, or from the issuer's metadata, as a guard does.
   */
  jwks?: { keys: readonly unknown[] };
}

/** The guard's answer for one token. */
export type TokenCheck =
  | {
      accept: true;
      source: Principal['source'];
      sub: string;
      clientId: string;
      scopes: readonly string[];
      claims: Readonly<Record<string, unknown>>;
      /** Set for a DPoP-bound token: the API also needs a DPoP proof by the key with this thumbprint. */
      jkt?: string;
    }
  | {
      accept: false;
      status: GuardErrorStatus;
      /** Absent only when there was no token at all. */
      error: GuardErrorCode | undefined;
      description: string;
      wwwAuthenticate: string | undefined;
    };

/** Where the given JWKS is "served" to the guard; never fetched (`.invalid`, RFC 2606). */
const OFFLINE_JWKS_URI = 'https://offline-jwks.invalid/jwks';
/** The request's URL matters only for DPoP proofs, which are not checked here. */
const REQUEST_URL = 'https://api.invalid/';

function refused(error: GuardError): TokenCheck {
  return { accept: false, status: error.status, error: error.code, description: error.description, wwwAuthenticate: error.wwwAuthenticate };
}

function accepted(principal: Omit<Principal, 'token'>, jkt: string | undefined): TokenCheck {
  return {
    accept: true,
    source: principal.source,
    sub: principal.sub,
    clientId: principal.clientId,
    scopes: principal.scopes,
    claims: principal.claims,
    ...(jkt !== undefined ? { jkt } : {}),
  };
}

/**
 * The claims of a token the guard has verified and found DPoP-bound: the JWT's payload, or
 * the introspection answer it received.
 */
function boundClaims(token: string, introspected: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length === 3) return decodeJsonSegment(parts[1] ?? '');
  return introspected;
}

/**
 * Checks one access token as a guard for `audience` would, returning its verdict instead of
 * throwing. Network: metadata, JWKS and introspection as configured (none for keys when
 * `jwks` is given). Throws only on misconfiguration, like {@link createGuard}.
 */
export async function checkAccessToken(token: string, options: TokenCheckOptions): Promise<TokenCheck> {
  const { jwks, scopes, anyScope, ...guardOptions } = options;
  const baseFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  let introspected: Record<string, unknown> | undefined;
  const fetchFn: FetchLike = async (input, init) => {
    if (jwks && input === OFFLINE_JWKS_URI) return Response.json(jwks);
    const response = await baseFetch(input, init);
    // Kept so a DPoP-bound opaque token's scopes can be judged after the guard vouched for it.
    if (init?.method === 'POST') {
      const body: unknown = await response.clone().json().catch(() => undefined);
      if (isObject(body)) introspected = body;
    }
    return response;
  };
  const guard = createGuard({ ...guardOptions, ...(jwks ? { jwksUri: OFFLINE_JWKS_URI } : {}), fetch: fetchFn, cache: false });

  let request: Request;
  try {
    request = new Request(REQUEST_URL, { headers: { authorization: `Bearer ${token}` } });
  } catch {
    // Characters no header may hold: the API would never see it as one token.
    return { accept: false, status: 400, error: 'invalid_request', description: messages.malformedAuthorization, wwwAuthenticate: undefined };
  }

  try {
    return accepted(await guard.verify(request, { scopes, anyScope }), undefined);
  } catch (error) {
    if (!(error instanceof GuardError)) throw error;
    // The guard refuses a bound token sent as Bearer only after every token-level check has
    // passed: what is left is the proof (a request's) and the scopes.
    if (error.description !== messages.boundTokenAsBearer) return refused(error);
    const claims = boundClaims(token, introspected) ?? {};
    const jkt = isObject(claims['cnf']) && typeof claims['cnf']['jkt'] === 'string' ? claims['cnf']['jkt'] : '';
    const principal: Principal = {
      sub: String(claims['sub'] ?? ''),
      clientId: String(claims['client_id'] ?? ''),
      scopes: parseScopes(claims),
      claims: Object.freeze({ ...claims }),
      token,
      source: token.split('.').length === 3 ? 'jwt' : 'introspection',
      dpop: { jkt },
    };
    try {
      if (scopes?.length) requireScopes(principal, ...scopes);
      if (anyScope?.length) requireAnyScope(principal, ...anyScope);
    } catch (scopeError) {
      if (scopeError instanceof GuardError) return refused(scopeError);
      throw scopeError;
    }
    return accepted(principal, jkt);
  }
}
