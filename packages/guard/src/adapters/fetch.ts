import { GuardError } from '../errors.js';
import type { Guard, ScopeRequirements } from '../guard.js';
import type { Principal } from '../principal.js';
import { isResourceMetadataRequest, type ProtectedResourceMetadata } from '../resource-metadata.js';
import { errorResponse, metadataHeaders } from './respond.js';

/** A handler that runs only for requests the guard let through. */
export type GuardedHandler = (request: Request, principal: Principal) => Response | Promise<Response>;

export interface WithGuardOptions extends ScopeRequirements {
  /** Served (without a token) at its RFC 9728 well-known path when given. */
  resourceMetadata?: ProtectedResourceMetadata;
}

/** The guard's refusal as a fetch Response (JSON body, WWW-Authenticate, Cache-Control: no-store). */
export function guardErrorResponse(error: GuardError): Response {
  const { status, headers, body } = errorResponse(error);
  return new Response(JSON.stringify(body), { status, headers });
}

/** The RFC 9728 metadata response when `request` asks for it, else undefined. */
export function resourceMetadataResponse(metadata: ProtectedResourceMetadata, request: Request): Response | undefined {
  if ((request.method !== 'GET' && request.method !== 'HEAD') || !isResourceMetadataRequest(metadata, request.url)) return undefined;
  return new Response(JSON.stringify(metadata), { status: 200, headers: metadataHeaders });
}

/**
 * Wraps a `(Request) => Response` handler (Deno, Bun, Cloudflare, Next.js route handlers,
 * `node:http` via a fetch bridge): the handler runs with the principal, or the refusal is
 * returned. GuardErrors the handler throws (e.g. from `requireScopes`) are answered too.
 *
 * ```ts
 * export default withGuard(guard, (request, auth) => Response.json(listFor(auth.sub)), { scopes: ['read:calendar'] });
 * ```
 */
export function withGuard(guard: Guard, handler: GuardedHandler, options: WithGuardOptions = {}): (request: Request) => Promise<Response> {
  const { resourceMetadata } = options;
  return async (request) => {
    if (resourceMetadata) {
      const metadataResponse = resourceMetadataResponse(resourceMetadata, request);
      if (metadataResponse) return metadataResponse;
    }
    try {
      return await handler(request, await guard.verify(request, options));
    } catch (error) {
      if (error instanceof GuardError) return guardErrorResponse(error);
      throw error;
    }
  };
}
