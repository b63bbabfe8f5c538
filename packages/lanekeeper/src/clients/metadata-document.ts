import { redirectUriProblem, type ApplicationType } from './redirect-uri-rules.js';

/**
 * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document): a client_id
 * that is an https URL with a path names a JSON document, served at that URL, that holds
 * the client's metadata in RFC 7591 names. This file checks the URL and the document;
 * fetching and caching live in metadata-document-resolver.ts.
 */

export interface ClientMetadataDocument {
  clientId: string;
  clientName: string | undefined;
  redirectUris: string[];
  tokenEndpointAuthMethod: 'none' | 'private_key_jwt';
  /** authorization_code, and refresh_token when the document lists it. */
  grantTypes: string[];
  jwks: { keys: Record<string, unknown>[] } | undefined;
  jwksUri: string | undefined;
  logoUri: string | undefined;
  clientUri: string | undefined;
  applicationType: ApplicationType | undefined;
  dpopBoundAccessTokens: boolean;
}

/** A document (or its URL) that cannot be used; `reason` is meant for a person. */
export class DocumentRefused extends Error {
  override name = 'DocumentRefused';
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Whether a client_id has the shape of a metadata document URL: https with a path. */
export function looksLikeMetadataDocumentUrl(clientId: string): boolean {
  if (!clientId.startsWith('https://')) return false;
  try {
    return new URL(clientId).pathname !== '/';
  } catch {
    return false;
  }
}

/** Why a client_id URL is not an acceptable metadata document URL, or undefined. */
export function metadataDocumentUrlProblem(clientId: string): string | undefined {
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    return 'the client_id is not a URL';
  }
  if (url.protocol !== 'https:') return 'the client_id URL must use https';
  if (url.pathname === '/' || url.pathname === '') return 'the client_id URL must have a path';
  if (url.hash || clientId.includes('#')) return 'the client_id URL must not have a fragment';
  if (url.username || url.password) return 'the client_id URL must not carry a user name or password';
  if (/(^|\/)\.\.?(\/|$)/.test(clientId.slice(url.origin.length).split('?')[0]!)) return 'the client_id URL must not have "." or ".." path segments';
  if (url.href !== clientId) return 'the client_id URL must be in normalised form (lower-case scheme and host, no default port)';
  if (clientId.length > 2000) return 'the client_id URL is too long';
  return undefined;
}

const SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post', 'client_secret_jwt']);

function optionalString(doc: Record<string, unknown>, name: string, max: number): string | undefined {
  const value = doc[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max) throw new DocumentRefused(`its ${name} must be a string of at most ${max} characters`);
  return value;
}

function optionalHttpsUrl(doc: Record<string, unknown>, name: string): string | undefined {
  const value = optionalString(doc, name, 2000);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DocumentRefused(`its ${name} is not a URL`);
  }
  if (url.protocol !== 'https:') throw new DocumentRefused(`its ${name} must be an https URL`);
  return value;
}

function jwksValue(value: unknown): { keys: Record<string, unknown>[] } {
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > 20 || !keys.every((k) => k !== null && typeof k === 'object' && !Array.isArray(k))) {
    throw new DocumentRefused('its jwks must be a JWK Set with 1 to 20 keys');
  }
  for (const key of keys as Record<string, unknown>[]) {
    if ('d' in key || 'p' in key || 'k' in key) throw new DocumentRefused('its jwks holds private or symmetric key material');
  }
  return { keys: keys as Record<string, unknown>[] };
}

/** Checks a fetched document against the URL it came from; throws DocumentRefused with the reason. */
export function parseMetadataDocument(body: string, url: string): ClientMetadataDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    throw new DocumentRefused('it is not valid JSON');
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new DocumentRefused('it is not a JSON object');
  const d = doc as Record<string, unknown>;
  if (d.client_id !== url) throw new DocumentRefused(`its client_id ${typeof d.client_id === 'string' ? `"${d.client_id.slice(0, 200)}"` : '(missing)'} is not the URL it was fetched from`);
  if ('client_secret' in d || 'client_secret_expires_at' in d) throw new DocumentRefused('it declares a client_secret; a metadata document client cannot hold a shared secret');

  const method = d.token_endpoint_auth_method ?? 'none';
  if (typeof method !== 'string') throw new DocumentRefused('its token_endpoint_auth_method must be a string');
  if (SECRET_METHODS.has(method)) throw new DocumentRefused(`it declares token_endpoint_auth_method "${method}"; secret-based methods are refused (use "none" or "private_key_jwt")`);
  if (method !== 'none' && method !== 'private_key_jwt') throw new DocumentRefused(`its token_endpoint_auth_method "${method.slice(0, 100)}" is not supported (use "none" or "private_key_jwt")`);

  const applicationType = d.application_type;
  if (applicationType !== undefined && applicationType !== 'web' && applicationType !== 'native') throw new DocumentRefused('its application_type must be "web" or "native"');

  const redirectUris = d.redirect_uris;
  if (!Array.isArray(redirectUris) || redirectUris.length === 0) throw new DocumentRefused('it has no redirect_uris');
  if (redirectUris.length > 20) throw new DocumentRefused('it lists more than 20 redirect_uris');
  for (const uri of redirectUris) {
    const problem = redirectUriProblem(uri as string, applicationType as ApplicationType | undefined);
    if (problem) throw new DocumentRefused(problem);
  }

  const grantTypes = d.grant_types ?? ['authorization_code'];
  if (!Array.isArray(grantTypes) || !grantTypes.every((g) => typeof g === 'string')) throw new DocumentRefused('its grant_types must be a list of strings');
  if (!grantTypes.includes('authorization_code')) throw new DocumentRefused('its grant_types must include authorization_code');
  const responseTypes = d.response_types;
  if (responseTypes !== undefined && !(Array.isArray(responseTypes) && responseTypes.every((r) => r === 'code'))) throw new DocumentRefused('its response_types may only be ["code"]');

  const jwks = d.jwks === undefined ? undefined : jwksValue(d.jwks);
  const jwksUri = optionalHttpsUrl(d, 'jwks_uri');
  if (jwks && jwksUri) throw new DocumentRefused('it declares both jwks and jwks_uri');
  if (method === 'private_key_jwt' && !jwks && !jwksUri) throw new DocumentRefused('private_key_jwt needs jwks or jwks_uri');

  return {
    clientId: url,
    clientName: optionalString(d, 'client_name', 200),
    redirectUris: redirectUris as string[],
    tokenEndpointAuthMethod: method,
    grantTypes: grantTypes.filter((g) => g === 'authorization_code' || g === 'refresh_token'),
    jwks,
    jwksUri,
    logoUri: optionalHttpsUrl(d, 'logo_uri'),
    clientUri: optionalHttpsUrl(d, 'client_uri'),
    applicationType: applicationType as ApplicationType | undefined,
    dpopBoundAccessTokens: d.dpop_bound_access_tokens === true,
  };
}

/** Checks a fetched JWK Set (a metadata document's jwks_uri). */
export function parseJwkSet(body: string): { keys: Record<string, unknown>[] } {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new DocumentRefused('its jwks_uri does not hold valid JSON');
  }
  return jwksValue(value);
}
