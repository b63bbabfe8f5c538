import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { GuardError } from '../errors.js';
import { verifyRequest, type Guard, type ScopeRequirements } from '../guard.js';
import type { MaybePromise } from '../maybe-promise.js';
import type { Principal } from '../principal.js';
import { isResourceMetadataRequest, type ProtectedResourceMetadata } from '../resource-metadata.js';
import { errorResponse, metadataHeaders } from './respond.js';

/** An Express request that passed {@link expressGuard}. */
export type GuardedRequest = Request & { auth: Principal };

function sendError(res: Response, error: GuardError): void {
  const { status, headers, body } = errorResponse(error);
  res.status(status).set(headers).json(body);
}

/**
 * Express middleware: checks the access token, sets `req.auth` to the {@link Principal},
 * and answers refusals itself (JSON body, WWW-Authenticate, Cache-Control: no-store).
 * With `express.urlencoded()` before it, a token in a form body is detected too.
 *
 * ```ts
 * app.get('/calendar', expressGuard(guard, { scopes: ['read:calendar'] }), (req, res) => {
 *   res.json(listFor(authOf(req).sub));
 * });
 * ```
 */
export function expressGuard(guard: Guard, requirements: ScopeRequirements = {}): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    let result: MaybePromise<Principal>;
    try {
      result = verifyRequest(guard, req, requirements);
    } catch (error) {
      refuse(res, next, error);
      return;
    }
    // When the guard answers at once (a JWT whose key is in hand), the route runs without
    // waiting for a promise, and no callbacks are allocated.
    if (result instanceof Promise) {
      result.then(
        (principal) => accept(req, next, principal),
        (error: unknown) => refuse(res, next, error),
      );
      return;
    }
    accept(req, next, result);
  };
}

function accept(req: Request, next: NextFunction, principal: Principal): void {
  // Through unknown: other libraries (express-oauth2-jwt-bearer) declare their own req.auth type.
  (req as unknown as { auth: Principal }).auth = principal;
  next();
}

function refuse(res: Response, next: NextFunction, error: unknown): void {
  if (error instanceof GuardError) sendError(res, error);
  else next(error);
}

/**
 * Error middleware that answers GuardErrors thrown later in a route (e.g. by
 * `requireScopes`) like the guard does; other errors pass on.
 */
export function expressGuardErrors(): (error: unknown, req: Request, res: Response, next: NextFunction) => void {
  return (error, _req, res, next) => (error instanceof GuardError ? sendError(res, error) : next(error));
}

/** The principal {@link expressGuard} put on the request; throws if the guard did not run. */
export function authOf(req: Request): Principal {
  const auth = (req as unknown as { auth?: Principal }).auth;
  if (!auth) throw new Error('authOf: no principal on this request; is expressGuard in front of this route?');
  return auth;
}

/** Serves RFC 9728 metadata at its well-known path (path-inserted for a resource with a path). */
export function expressResourceMetadata(metadata: ProtectedResourceMetadata): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if ((req.method === 'GET' || req.method === 'HEAD') && isResourceMetadataRequest(metadata, req.originalUrl)) {
      res.status(200).set(metadataHeaders).send(JSON.stringify(metadata));
      return;
    }
    next();
  };
}
