import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HttpDeps } from '../deps.js';
import { Params } from '../../oauth/params.js';
import { userinfo } from '../../oauth/userinfo.js';

function tokenElsewhere(request: FastifyRequest): 'query' | 'body' | undefined {
  if (/[?&]access_token=/.test(request.raw.url ?? '')) return 'query';
  if (request.body instanceof Params && request.body.has('access_token')) return 'body';
  return undefined;
}

/** OIDC userinfo, GET or POST; the token only ever comes from the Authorization header. */
export function userinfoRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const handler = async (request: FastifyRequest) => {
    const elsewhere = tokenElsewhere(request);
    return userinfo(deps.oauth, {
      authorization: request.headers.authorization,
      method: request.method,
      ...(request.headers.dpop !== undefined ? { dpop: request.headers.dpop } : {}),
      ...(elsewhere ? { tokenElsewhere: elsewhere } : {}),
    });
  };
  app.get(`${deps.issuerPath}/userinfo`, async (request, reply) => reply.header('Cache-Control', 'no-store').send(await handler(request)));
  app.post(`${deps.issuerPath}/userinfo`, async (request, reply) => reply.header('Cache-Control', 'no-store').send(await handler(request)));
}
