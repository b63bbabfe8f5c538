import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GuardError } from '../errors.js';
import type { NodeLikeRequest } from '../extract.js';
import type { Guard, ScopeRequirements } from '../guard.js';
import type { Principal } from '../principal.js';
import { resourceMetadataPath, type ProtectedResourceMetadata } from '../resource-metadata.js';
import { errorResponse, metadataHeaders } from './respond.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the Lanekeeper guard's preHandler. */
    auth?: Principal;
  }
}

function view(request: FastifyRequest): NodeLikeRequest {
  return {
    method: request.method,
    url: request.url,
    headers: request.headers,
    rawHeaders: request.raw.rawHeaders,
    protocol: request.protocol,
    socket: request.raw.socket,
    body: request.body,
  };
}

/** Sends a GuardError as the guard's JSON refusal. */
export function sendGuardError(reply: FastifyReply, error: GuardError): FastifyReply {
  const { status, headers, body } = errorResponse(error);
  return reply.code(status).headers(headers).send(body);
}

/**
 * A Fastify preHandler: checks the access token and sets `request.auth`, or answers the
 * refusal (JSON body, WWW-Authenticate, Cache-Control: no-store).
 *
 * ```ts
 * app.get('/calendar', { preHandler: fastifyGuard(guard, { scopes: ['read:calendar'] }) }, async (request) =>
 *   listFor(request.auth!.sub));
 * ```
 */
export function fastifyGuard(guard: Guard, requirements: ScopeRequirements = {}) {
  return async function lanekeeperGuard(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    try {
      request.auth = await guard.verify(view(request), requirements);
      return undefined;
    } catch (error) {
      if (error instanceof GuardError) return sendGuardError(reply, error);
      throw error;
    }
  };
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
