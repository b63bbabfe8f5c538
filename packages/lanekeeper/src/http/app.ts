import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { HttpDeps } from './deps.js';
import { registerFormParser } from './form.js';
import { registerErrorHandling } from './errors.js';
import { registerSecurityHeaders } from './security-headers.js';
import { discoveryPaths, discoveryRoutes } from './routes/discovery.js';
import { registerCors } from './cors.js';
import { registerMetrics, type Metrics } from './metrics.js';
import { jwksRoute } from './routes/jwks.js';
import { tokenRoutes } from './routes/token.js';
import { healthRoutes } from './routes/health.js';
import { authorizeRoutes } from './routes/authorize.js';
import { logoutRoutes } from './routes/logout.js';
import { userinfoRoutes } from './routes/userinfo.js';
import { accountRoutes } from './routes/account.js';
import { registrationRoutes } from './routes/register.js';
import cookie from '@fastify/cookie';

export const BODY_LIMIT = 64 * 1024;

/** One access-log line per request, when it is answered (not a second one when it arrives). */
class AccessLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

/** The HTTP face of the server: each route maps a request to one protocol call. */
export interface AppOptions {
  https: boolean;
  trustProxy: boolean | number | string[];
  cors: { origins: string[]; introspection: boolean };
  metrics?: { metrics: Metrics; token: string | undefined };
}

export function buildApp(deps: HttpDeps, logger: Logger, options: AppOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: BODY_LIMIT,
    // A hop count is supported at run time (proxy-addr); the type declarations omit it.
    trustProxy: options.trustProxy as boolean | string[],
    requestIdHeader: false,
    return503OnClosing: true,
    requestTimeout: 30_000,
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 500 },
    logController: new AccessLog(),
  }) as unknown as FastifyInstance;
  registerFormParser(app);
  void app.register(cookie);
  registerErrorHandling(app, options.metrics?.metrics.refusal);
  if (options.metrics) registerMetrics(app, options.metrics.metrics, options.metrics.token);
  registerSecurityHeaders(app, options.https);
  const p = deps.issuerPath;
  const corsPaths = [`${p}/token`, `${p}/revoke`, `${p}/userinfo`, `${p}/jwks`, ...discoveryPaths(p)];
  if (options.cors.introspection) corsPaths.push(`${p}/introspect`);
  if (deps.registration) corsPaths.push(`${p}/register`);
  registerCors(app, deps.oauth.store, { paths: corsPaths, extraOrigins: options.cors.origins });
  discoveryRoutes(app, deps);
  jwksRoute(app, deps);
  tokenRoutes(app, deps);
  healthRoutes(app, deps);
  authorizeRoutes(app, deps);
  logoutRoutes(app, deps);
  userinfoRoutes(app, deps);
  accountRoutes(app, deps);
  registrationRoutes(app, deps);
  return app;
}
