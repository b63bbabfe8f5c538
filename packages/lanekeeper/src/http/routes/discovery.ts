import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../deps.js';
import { endpoints } from '../../oauth/context.js';
import { ASYMMETRIC_ALGS } from '../../oauth/client-auth.js';
import { SCOPE_CLAIMS } from '../../users/claims.js';
import { DPOP_ALGS } from '../../dpop/proof.js';

const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];

/** RFC 8414 authorization-server metadata: exactly what this server implements. */
export function serverMetadata(deps: HttpDeps): Record<string, unknown> {
  const issuer = deps.oauth.issuer();
  const e = endpoints(issuer);
  const algs = [...deps.oauth.keys.algorithms()];
  return {
    issuer,
    authorization_endpoint: e.authorization,
    token_endpoint: e.token,
    jwks_uri: e.jwks,
    introspection_endpoint: e.introspection,
    revocation_endpoint: e.revocation,
    response_types_supported: ['code'],
    response_modes_supported: ['query', 'form_post'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    token_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS, 'none'],
    token_endpoint_auth_signing_alg_values_supported: ASYMMETRIC_ALGS,
    introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    introspection_endpoint_auth_signing_alg_values_supported: ASYMMETRIC_ALGS,
    revocation_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS, 'none'],
    revocation_endpoint_auth_signing_alg_values_supported: ASYMMETRIC_ALGS,
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
    prompt_values_supported: ['none', 'login', 'consent'],
    scopes_supported: ['openid', 'profile', 'email', 'address', 'phone', 'offline_access'],
    access_token_signing_alg_values_supported: algs,
    dpop_signing_alg_values_supported: [...DPOP_ALGS],
    ...(deps.oauth.registry.metadataDocuments ? { client_id_metadata_document_supported: true } : {}),
    ...(deps.registration ? { registration_endpoint: `${issuer}/register` } : {}),
  };
}

/** OpenID Connect Discovery 1.0 adds the OIDC fields to the same document. */
export function openidConfiguration(deps: HttpDeps): Record<string, unknown> {
  return {
    ...serverMetadata(deps),
    userinfo_endpoint: endpoints(deps.oauth.issuer()).userinfo,
    end_session_endpoint: endpoints(deps.oauth.issuer()).endSession,
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...deps.oauth.keys.algorithms()],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'sid', 'at_hash', 'amr', ...new Set(Object.values(SCOPE_CLAIMS).flat())],
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    claims_parameter_supported: false,
  };
}

/** Where the documents are served: `<issuer>/.well-known/…`, and path-inserted for an issuer with a path (RFC 8414 §3.1). */
function documentPaths(issuerPath: string): { oidc: string[]; oauth: string[] } {
  if (!issuerPath) return { oidc: ['/.well-known/openid-configuration'], oauth: ['/.well-known/oauth-authorization-server'] };
  return {
    oidc: [`${issuerPath}/.well-known/openid-configuration`, `/.well-known/openid-configuration${issuerPath}`],
    oauth: [`${issuerPath}/.well-known/oauth-authorization-server`, `/.well-known/oauth-authorization-server${issuerPath}`],
  };
}

export function discoveryPaths(issuerPath: string): string[] {
  const { oidc, oauth } = documentPaths(issuerPath);
  return [...oidc, ...oauth];
}

export function discoveryRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const cache = 'public, max-age=300';
  const { oidc, oauth } = documentPaths(deps.issuerPath);
  for (const path of oidc) app.get(path, async (_req, reply) => reply.header('Cache-Control', cache).send(openidConfiguration(deps)));
  for (const path of oauth) app.get(path, async (_req, reply) => reply.header('Cache-Control', cache).send(serverMetadata(deps)));
}
