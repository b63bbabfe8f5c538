import { redirectUriProblem, type ApplicationType } from './redirect-uri-rules.js';

/**
 * The metadata of an RFC 7591 registration request, checked and normalised. Registered
 * clients are third-party and public unless they bring keys: a request that omits
 * token_endpoint_auth_method or asks for a secret-based one is registered as a public
 * client, and the response says "none" (RFC 7591 §3.2.1 lets the server replace values).
 */
export interface RegistrationMetadata {
  clientName: string | undefined;
  redirectUris: string[];
  tokenEndpointAuthMethod: 'none' | 'private_key_jwt';
  grantTypes: ('authorization_code' | 'refresh_token')[];
  applicationType: ApplicationType;
  jwks: { keys: Record<string, unknown>[] } | undefined;
  clientUri: string | undefined;
  logoUri: string | undefined;
  scope: string | undefined;
  dpopBoundAccessTokens: boolean;
}

export type RegistrationErrorCode = 'invalid_client_metadata' | 'invalid_redirect_uri' | 'invalid_token' | 'invalid_request' | 'temporarily_unavailable';

/** A refused registration request (RFC 7591 §3.2.2, RFC 7592 §3); the route answers it as JSON. */
export class RegistrationError extends Error {
  override name = 'RegistrationError';
  constructor(
    readonly error: RegistrationErrorCode,
    readonly description: string,
    readonly status = 400,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${error}: ${description}`);
  }
}

const SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post', 'client_secret_jwt']);
const GRANTS = new Set(['authorization_code', 'refresh_token']);

const invalid = (description: string) => new RegistrationError('invalid_client_metadata', description);

function optionalString(body: Record<string, unknown>, name: string, max: number): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max) throw invalid(`${name} must be a string of at most ${max} characters`);
  return value;
}

function optionalHttpsUrl(body: Record<string, unknown>, name: string): string | undefined {
  const value = optionalString(body, name, 2000);
  if (value === undefined) return undefined;
  try {
    if (new URL(value).protocol === 'https:') return value;
  } catch {
    /* refused below */
  }
  throw invalid(`${name} must be an https URL`);
}

function stringList(body: Record<string, unknown>, name: string): string[] | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw invalid(`${name} must be a list of strings`);
  return value as string[];
}

function jwksValue(value: unknown): { keys: Record<string, unknown>[] } {
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > 20 || !keys.every((k) => k !== null && typeof k === 'object' && !Array.isArray(k) && typeof (k as { kty?: unknown }).kty === 'string')) {
    throw invalid('jwks must be a JWK Set with 1 to 20 keys');
  }
  for (const key of keys as Record<string, unknown>[]) {
    if ('d' in key || 'p' in key || 'k' in key) throw invalid('jwks must hold public keys only');
  }
  return { keys: keys as Record<string, unknown>[] };
}

/** Checks a registration request body; throws RegistrationError (invalid_client_metadata / invalid_redirect_uri). */
export function parseRegistrationRequest(body: unknown): RegistrationMetadata {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalid('the registration request must be a JSON object');
  const b = body as Record<string, unknown>;
  if ('software_statement' in b) throw new RegistrationError('invalid_client_metadata', 'software statements are not supported');

  const applicationType = b.application_type ?? 'web';
  if (applicationType !== 'web' && applicationType !== 'native') throw invalid('application_type must be "web" or "native"');

  const grants = stringList(b, 'grant_types') ?? ['authorization_code'];
  const refused = grants.filter((g) => !GRANTS.has(g));
  if (refused.length) throw invalid(`registered clients may use authorization_code and refresh_token only, not ${refused.map((g) => `"${g.slice(0, 100)}"`).join(', ')}`);
  if (!grants.includes('authorization_code')) throw invalid('grant_types must include authorization_code');
  const responseTypes = stringList(b, 'response_types');
  if (responseTypes && !responseTypes.every((r) => r === 'code')) throw invalid('response_types may only be ["code"]');

  const redirectUris = stringList(b, 'redirect_uris');
  if (!redirectUris || redirectUris.length === 0) throw new RegistrationError('invalid_redirect_uri', 'redirect_uris is required');
  if (redirectUris.length > 20) throw new RegistrationError('invalid_redirect_uri', 'at most 20 redirect_uris');
  for (const uri of redirectUris) {
    const problem = redirectUriProblem(uri, applicationType);
    if (problem) throw new RegistrationError('invalid_redirect_uri', problem);
  }

  const asked = b.token_endpoint_auth_method;
  if (asked !== undefined && typeof asked !== 'string') throw invalid('token_endpoint_auth_method must be a string');
  if ('jwks_uri' in b && b.jwks_uri !== undefined) throw invalid('jwks_uri is not accepted for registered clients: give the public keys inline as jwks');
  const jwks = b.jwks === undefined ? undefined : jwksValue(b.jwks);
  let method: 'none' | 'private_key_jwt';
  if (asked === 'private_key_jwt') {
    if (!jwks) throw invalid('private_key_jwt needs the client\'s public keys as jwks');
    method = 'private_key_jwt';
  } else if (asked === undefined || asked === 'none' || SECRET_METHODS.has(asked)) {
    method = 'none';
  } else {
    throw invalid(`token_endpoint_auth_method "${asked.slice(0, 100)}" is not supported (use "none" or "private_key_jwt")`);
  }

  const scope = optionalString(b, 'scope', 2000);
  const dpop = b.dpop_bound_access_tokens;
  if (dpop !== undefined && typeof dpop !== 'boolean') throw invalid('dpop_bound_access_tokens must be a boolean');
  return {
    clientName: optionalString(b, 'client_name', 200),
    redirectUris,
    tokenEndpointAuthMethod: method,
    grantTypes: [...new Set(grants)] as RegistrationMetadata['grantTypes'],
    applicationType,
    jwks: method === 'private_key_jwt' ? jwks : undefined,
    clientUri: optionalHttpsUrl(b, 'client_uri'),
    logoUri: optionalHttpsUrl(b, 'logo_uri'),
    scope,
    dpopBoundAccessTokens: dpop === true,
  };
}
