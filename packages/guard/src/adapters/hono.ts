import type { MiddlewareHandler } from 'hono';
import { GuardError } from '../errors.js';
import type { Guard, ScopeRequirements } from '../guard.js';
import type { Principal } from '../principal.js';
import { isResourceMetadataRequest, type ProtectedResourceMetadata } from '../resource-metadata.js';
import { guardErrorResponse } from './fetch.js';
import { metadataHeaders } from './respond.js';

export { guardErrorResponse };

/** The Hono environment the guard's middleware provides: `c.get('auth')`. */
export type GuardEnv = { Variables: { auth: Principal } };

/**
 * Hono middleware: checks the access token and sets `c.get('auth')`, or answers the
 * refusal (JSON body, WWW-Authenticate, Cache-Control: no-store). The body is not read.
 * For GuardErrors thrown later (e.g. `requireScopes` in a handler), answer them from
 * `app.onError` with {@link guardErrorResponse}.
 *
 * ```ts
 * const app = new Hono<GuardEnv>();
 * app.get('/calendar', honoGuard(guard, { scopes: ['read:calendar'] }), (c) => c.json(listFor(c.get('auth').sub)));
 * ```
 */
export function honoGuard(guard: Guard, requirements: ScopeRequirements = {}): MiddlewareHandler<GuardEnv> {
  return async (c, next) => {
    let principal: Principal;
    try {
      principal = await guard.verify(c.req.raw, requirements);
    } catch (error) {
      if (error instanceof GuardError) return guardErrorResponse(error);
      throw error;
    }
    c.set('auth', principal);
    await next();
    return undefined;
  };
}

/** Serves RFC 9728 metadata at its well-known path (path-inserted for a resource with a path). */
export function honoResourceMetadata(metadata: ProtectedResourceMetadata): MiddlewareHandler {
  const body = JSON.stringify(metadata);
  return async (c, next) => {
    if ((c.req.method === 'GET' || c.req.method === 'HEAD') && isResourceMetadataRequest(metadata, c.req.url)) {
      return new Response(body, { status: 200, headers: metadataHeaders });
    }
    await next();
    return undefined;
  };
}
