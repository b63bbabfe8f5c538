import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { HttpDeps } from './deps.js';
import { registerFormParser } from './form.js';
import { registerErrorHandling } from './errors.js';
import { registerSecurityHeaders } from './security-headers.js';
import { discoveryRoutes } from './routes/discovery.js';
import { jwksRoute } from './routes/jwks.js';
import { tokenRoutes } from './routes/token.js';
import { healthRoutes } from './routes/health.js';
import { authorizeRoutes } from './routes/authorize.js';
import { logoutRoutes } from './routes/logout.js';
import { userinfoRoutes } from './routes/userinfo.js';
import cookie from '@fastify/cookie';

export const BODY_LIMIT = 64 * 1024;

/** The HTTP face of the server: each route maps a request to one protocol call. */
export function buildApp(deps: HttpDeps, logger: Logger, options: { https: boolean }): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: BODY_LIMIT,
    trustProxy: false,
    requestIdHeader: false,
    return503OnClosing: true,
    requestTimeout: 30_000,
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 500 },
  }) as unknown as FastifyInstance;
  registerFormParser(app);
  void app.register(cookie);
  registerErrorHandling(app);
  registerSecurityHeaders(app, options.https);
  discoveryRoutes(app, deps);
  jwksRoute(app, deps);
  tokenRoutes(app, deps);
  healthRoutes(app, deps);
  authorizeRoutes(app, deps);
  logoutRoutes(app, deps);
  userinfoRoutes(app, deps);
  return app;
}
