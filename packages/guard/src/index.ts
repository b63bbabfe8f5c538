/**
 * @lanekeeper/guard: access-token checks for APIs. Accepts exactly the right access
 * tokens (RFC 9068 JWTs or introspected opaque tokens, DPoP-bound or not), refuses
 * everything else — ID tokens first of all — and says why.
 * @module
 */
export { createGuard } from './guard.js';
export type { Guard, GuardStats, ScopeRequirements } from './guard.js';
export type { GuardOptions } from './options.js';
export type { DpopReplayStore } from './dpop.js';
export type { Principal } from './principal.js';
export { GuardError } from './errors.js';
export type { GuardErrorCode, GuardErrorInit, GuardErrorStatus } from './errors.js';
export { hasScopes, parseScopes, requireAnyScope, requireScopes } from './scopes.js';
export type { GuardRequest, NodeLikeRequest } from './extract.js';
export { ASYMMETRIC_ALGORITHMS, DEFAULT_ALGORITHMS } from './algorithms.js';
export { formatChallenge } from './www-authenticate.js';
export type { Challenge } from './www-authenticate.js';
export { metadataUrls, DiscoveryError } from './discovery.js';
export type { IssuerMetadata } from './discovery.js';
export {
  protectedResourceMetadata,
  resourceMetadataPath,
  resourceMetadataUrl,
  isResourceMetadataRequest,
} from './resource-metadata.js';
export type { ProtectedResourceMetadata, ProtectedResourceMetadataInput } from './resource-metadata.js';
export { errorResponse } from './adapters/respond.js';
export type { ErrorResponse } from './adapters/respond.js';
export type { FetchLike } from './http.js';
