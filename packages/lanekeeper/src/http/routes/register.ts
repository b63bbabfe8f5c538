import type { FastifyInstance, FastifyReply } from 'fastify';
import type { HttpDeps } from '../deps.js';
import { RegistrationError } from '../../clients/registration-request.js';
import { Params } from '../../oauth/params.js';

function sendRegistrationError(reply: FastifyReply, err: RegistrationError): FastifyReply {
  for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
  return reply.code(err.status).header('Cache-Control', 'no-store').send({ error: err.error, error_description: err.description });
}

/**
 * RFC 7591 dynamic client registration (`POST /register`, JSON) and RFC 7592 read and delete
 * (`GET`/`DELETE /register/<client_id>` with the registration access token). Served only
 * when `dynamic_registration.enabled` is on.
 */
export function registrationRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const registration = deps.registration;
  if (!registration) return;
  const p = deps.issuerPath;
  const audit = deps.oauth.audit;

  app.post(`${p}/register`, async (request, reply) => {
    try {
      if (request.body instanceof Params || typeof request.body !== 'object' || request.body === null) {
        throw new RegistrationError('invalid_request', 'send the client metadata as an application/json body');
      }
      const { client, response } = await registration.register(request.body, { authorization: request.headers.authorization, ip: request.ip });
      audit.record({ type: 'client.changed', actor: `ip:${request.ip}`, clientId: client.clientId, details: { action: 'registered', via: 'dynamic_registration', auth_method: client.tokenEndpointAuthMethod } });
      return reply.code(201).header('Cache-Control', 'no-store').header('Pragma', 'no-cache').send(response);
    } catch (err) {
      if (err instanceof RegistrationError) return sendRegistrationError(reply, err);
      throw err;
    }
  });

  app.get<{ Params: { clientId: string } }>(`${p}/register/:clientId`, async (request, reply) => {
    try {
      const body = await registration.read(request.params.clientId, request.headers.authorization);
      return reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache').send(body);
    } catch (err) {
      if (err instanceof RegistrationError) return sendRegistrationError(reply, err);
      throw err;
    }
  });

  app.delete<{ Params: { clientId: string } }>(`${p}/register/:clientId`, async (request, reply) => {
    try {
      const client = await registration.remove(request.params.clientId, request.headers.authorization);
      audit.record({ type: 'client.changed', actor: `client:${client.clientId}`, clientId: client.clientId, details: { action: 'removed', via: 'dynamic_registration' } });
      return reply.code(204).header('Cache-Control', 'no-store').send();
    } catch (err) {
      if (err instanceof RegistrationError) return sendRegistrationError(reply, err);
      throw err;
    }
  });
}
