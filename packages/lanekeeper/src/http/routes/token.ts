import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../deps.js';
import { formParams } from '../form.js';
import { tokenEndpoint } from '../../oauth/token-endpoint.js';
import { introspect } from '../../oauth/introspect.js';
import { revoke } from '../../oauth/revoke.js';

/** Token, introspection and revocation: form bodies in, JSON out, never cached. */
export function tokenRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const p = deps.issuerPath;
  app.post(`${p}/token`, async (req, reply) => {
    const result = await tokenEndpoint(deps.oauth, { authorization: req.headers.authorization, params: formParams(req.body), ...(req.headers.dpop !== undefined ? { dpop: req.headers.dpop } : {}) });
    if (deps.oauth.dpop.requireNonce) reply.header('DPoP-Nonce', deps.oauth.dpop.nonces.current());
    reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache').send(result);
  });
  app.post(`${p}/introspect`, async (req, reply) => {
    const result = await introspect(deps.oauth, { authorization: req.headers.authorization, params: formParams(req.body) });
    reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache').send(result);
  });
  app.post(`${p}/revoke`, async (req, reply) => {
    await revoke(deps.oauth, { authorization: req.headers.authorization, params: formParams(req.body) });
    reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache').code(200).send();
  });
}
