import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../deps.js';

/** The public signing keys: next, current and previous ones. */
export function jwksRoute(app: FastifyInstance, deps: HttpDeps): void {
  app.get(`${deps.issuerPath}/jwks`, async (_req, reply) => {
    reply.header('Cache-Control', 'public, max-age=300').type('application/jwk-set+json').send(deps.oauth.keys.publicJwks());
  });
}
