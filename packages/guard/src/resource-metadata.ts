/** RFC 9728 §2 protected resource metadata, as served (snake_case). */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers?: string[];
  jwks_uri?: string;
  scopes_supported?: string[];
  bearer_methods_supported?: string[];
  resource_signing_alg_values_supported?: string[];
  resource_name?: string;
  resource_documentation?: string;
  resource_policy_uri?: string;
  resource_tos_uri?: string;
  dpop_signing_alg_values_supported?: string[];
  dpop_bound_access_tokens_required?: boolean;
  [member: string]: unknown;
}

export interface ProtectedResourceMetadataInput {
  /** The API's identifier: its own public URL, path included (the guard's `audience`). */
  resource: string;
  /** Issuer identifiers of the authorization servers that mint tokens for it. */
  authorizationServers: string[];
  scopesSupported?: string[];
  /** Default `['header']`: the guard takes tokens only from the Authorization header. */
  bearerMethodsSupported?: string[];
  resourceName?: string;
  resourceDocumentation?: string;
  resourcePolicyUri?: string;
  resourceTosUri?: string;
  dpopSigningAlgValuesSupported?: string[];
  dpopBoundAccessTokensRequired?: boolean;
  /** Further members, copied as given. */
  extra?: Record<string, unknown>;
}

/** Builds the RFC 9728 metadata document for an API. */
export function protectedResourceMetadata(input: ProtectedResourceMetadataInput): ProtectedResourceMetadata {
  const url = new URL(input.resource);
  if (url.hash) throw new TypeError('protectedResourceMetadata: resource must not have a fragment (RFC 9728 §1.2)');
  const metadata: ProtectedResourceMetadata = {
    ...input.extra,
    resource: input.resource,
    authorization_servers: [...input.authorizationServers],
    bearer_methods_supported: [...(input.bearerMethodsSupported ?? ['header'])],
  };
  if (input.scopesSupported) metadata.scopes_supported = [...input.scopesSupported];
  if (input.resourceName !== undefined) metadata.resource_name = input.resourceName;
  if (input.resourceDocumentation !== undefined) metadata.resource_documentation = input.resourceDocumentation;
  if (input.resourcePolicyUri !== undefined) metadata.resource_policy_uri = input.resourcePolicyUri;
  if (input.resourceTosUri !== undefined) metadata.resource_tos_uri = input.resourceTosUri;
  if (input.dpopSigningAlgValuesSupported) metadata.dpop_signing_alg_values_supported = [...input.dpopSigningAlgValuesSupported];
  if (input.dpopBoundAccessTokensRequired !== undefined) metadata.dpop_bound_access_tokens_required = input.dpopBoundAccessTokensRequired;
  return metadata;
}

const WELL_KNOWN = '/.well-known/oauth-protected-resource';

/**
 * The path the metadata is served at (RFC 9728 §3.1): the well-known prefix inserted
 * between host and path, the path's terminating slash removed.
 * `https://api.example.com` → `/.well-known/oauth-protected-resource`;
 * `https://example.com/calendar` → `/.well-known/oauth-protected-resource/calendar`.
 */
export function resourceMetadataPath(resource: string): string {
  const url = new URL(resource);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return `${WELL_KNOWN}${path}${url.search}`;
}

/** The absolute metadata URL for a resource: the guard's `resourceMetadataUrl`. */
export function resourceMetadataUrl(resource: string): string {
  return new URL(resource).origin + resourceMetadataPath(resource);
}

/**
 * Whether a request path (with or without query) asks for this metadata. The query is
 * part of the match only when the resource identifier itself has one.
 */
export function isResourceMetadataRequest(metadata: ProtectedResourceMetadata, target: string): boolean {
  const wanted = resourceMetadataPath(metadata.resource);
  let pathAndQuery = target;
  if (/^https?:\/\//i.test(target)) {
    const url = new URL(target);
    pathAndQuery = url.pathname + url.search;
  }
  return wanted.includes('?') ? pathAndQuery === wanted : pathAndQuery.split('?')[0] === wanted;
}
