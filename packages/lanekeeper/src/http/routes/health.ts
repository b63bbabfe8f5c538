import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../deps.js';

export function healthRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.get('/healthz', async (_req, reply) => {
    reply.header('Cache-Control', 'no-store').send({ status: 'ok' });
  });
  app.get('/readyz', async (_req, reply) => {
    try {
      await deps.ping();
      deps.oauth.keys.signer(deps.oauth.keys.algorithms()[0]!);
      reply.header('Cache-Control', 'no-store').send({ status: 'ready' });
    } catch {
      reply.code(503).header('Cache-Control', 'no-store').send({ status: 'unavailable' });
    }
  });
}
