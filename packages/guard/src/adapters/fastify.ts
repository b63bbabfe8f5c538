import type { FastifyInstance, FastifyReply, FastifyRequest, RouteGenericInterface } from 'fastify';
import { GuardError } from '../errors.js';
import { viewNodeRequest, type RequestView } from '../extract.js';
import { verifyView, type Guard, type ScopeRequirements } from '../guard.js';
import type { MaybePromise } from '../maybe-promise.js';
import type { Principal } from '../principal.js';
import { resourceMetadataPath, type ProtectedResourceMetadata } from '../resource-metadata.js';
import { errorResponse, metadataHeaders } from './respond.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the Lanekeeper guard's preHandler. */
    auth?: Principal;
  }
}

/**
 * What the guard reads of every Fastify request, each part once: the headers (with any a
 * hook set), the raw header list (a repeated Authorization header), the URL as received and
 * the parsed body. The request itself is read again only for a DPoP-bound token (method,
 * DPoP header, and `protocol`, which consults the trust-proxy setting).
 */
function viewOf(request: FastifyRequest): RequestView {
  const raw = request.raw;
  return viewNodeRequest(request, request.headers, raw.rawHeaders, raw.url ?? '/', request.body);
}

/** Sends a GuardError as the guard's JSON refusal. */
export function sendGuardError(reply: FastifyReply, error: GuardError): FastifyReply {
  const { status, headers, body } = errorResponse(error);
  return reply.code(status).headers(headers).send(body);
}

/**
 * A Fastify preHandler: checks the access token and sets `request.auth`, or answers the
 * refusal (JSON body, WWW-Authenticate, Cache-Control: no-store). Also works as `onRequest`,
 * which refuses before the body is read (a token in a form body is then not seen at all).
 *
 * ```ts
 * app.get('/calendar', { preHandler: fastifyGuard(guard, { scopes: ['read:calendar'] }) }, async (request) =>
 *   listFor(request.auth!.sub));
 * ```
 */
export function fastifyGuard(guard: Guard, requirements: ScopeRequirements = {}) {
  // Callback style, not async: when the guard answers at once (a JWT whose key is in hand),
  // the route runs without waiting for a promise. (Replying means not calling done.)
  return function lanekeeperGuard(request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void {
    let result: MaybePromise<Principal>;
    try {
      result = verifyView(guard, viewOf(request), requirements);
    } catch (error) {
      refuse(reply, done, error);
      return;
    }
    // The common path (a JWT whose key is in hand) allocates no callbacks.
    if (result instanceof Promise) {
      result.then(
        (principal) => {
          request.auth = principal;
          done();
        },
        (error: unknown) => refuse(reply, done, error),
      );
      return;
    }
    request.auth = result;
    done();
  };
}

function refuse(reply: FastifyReply, done: (error?: Error) => void, error: unknown): void {
  if (error instanceof GuardError) sendGuardError(reply, error);
  else done(error instanceof Error ? error : new Error(String(error)));
}

/** A route handler that runs only for requests the guard let through, with who called. */
export type GuardedRouteHandler<RouteGeneric extends RouteGenericInterface = RouteGenericInterface> = (
  this: FastifyInstance,
  request: FastifyRequest<RouteGeneric>,
  reply: FastifyReply<RouteGeneric>,
  auth: Principal,
) => unknown;

/**
 * The guard as part of the route's handler rather than a hook: `handler` runs with the
 * principal (also set as `request.auth`), or the refusal is answered as by
 * {@link fastifyGuard}. The same checks and answers; the principal comes typed, and Fastify
 * has one hook fewer to run per request.
 * Errors the handler throws go to Fastify's error handling as usual.
 *
 * The handler may return its answer (or a promise of it) or send it with `reply.send`, as any
 * Fastify handler: when the guard had to wait (fetching keys, introspecting), a handler
 * that returned nothing is waited for until its reply is sent.
 *
 * ```ts
 * app.get('/calendar', withGuard(guard, async (request, reply, auth) => listFor(auth.sub), { scopes: ['read:calendar'] }));
 * ```
 */
export function withGuard<RouteGeneric extends RouteGenericInterface = RouteGenericInterface>(
  guard: Guard,
  handler: GuardedRouteHandler<RouteGeneric>,
  requirements: ScopeRequirements = {},
): (this: FastifyInstance, request: FastifyRequest<RouteGeneric>, reply: FastifyReply<RouteGeneric>) => unknown {
  return function guardedHandler(request, reply) {
    let result: MaybePromise<Principal>;
    try {
      result = verifyView(guard, viewOf(request as FastifyRequest), requirements);
    } catch (error) {
      return refuseInHandler(reply as FastifyReply, error);
    }
    if (result instanceof Promise) {
      return result.then(
        (principal) => {
          request.auth = principal;
          const answer = handler.call(this, request, reply, principal);
          // A reply is a thenable that settles once sent: what Fastify waits on for a handler
          // that sends the answer itself (an undefined result would be sent as an empty body).
          return answer === undefined ? reply : answer;
        },
        (error: unknown) => refuseInHandler(reply as FastifyReply, error),
      );
    }
    request.auth = result;
    return handler.call(this, request, reply, result);
  };
}

/** Answers a GuardError (returning the reply, which settles once sent); anything else is rethrown. */
function refuseInHandler(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof GuardError) return sendGuardError(reply, error);
  throw error;
}

export interface FastifyGuardPluginOptions {
  /** Served at its RFC 9728 well-known path when given. */
  resourceMetadata?: ProtectedResourceMetadata;
}

/**
 * Registers `request.auth` as a request decoration (so Fastify keeps request objects of
 * one shape) and serves the resource metadata. Not encapsulated: applies to the app it is
 * registered on. It sets no error handler; to answer GuardErrors thrown from handlers
 * (e.g. by `requireScopes`), call {@link sendGuardError} from yours.
 */
export async function fastifyGuardPlugin(app: FastifyInstance, options: FastifyGuardPluginOptions = {}): Promise<void> {
  app.decorateRequest('auth', undefined);
  const metadata = options.resourceMetadata;
  if (metadata) {
    const body = JSON.stringify(metadata);
    app.get(resourceMetadataPath(metadata.resource).split('?')[0] ?? '/', async (_request, reply) =>
      reply.code(200).headers(metadataHeaders).send(body),
    );
  }
}
// Fastify's documented way (what fastify-plugin sets) to skip encapsulation without a dependency.
Object.assign(fastifyGuardPlugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: '@lanekeeper/guard',
});
