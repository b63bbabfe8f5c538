/**
 * The calendar API: a resource server that accepts only access tokens for itself.
 *
 *   GET  /entries   needs read:calendar   a person's own entries; a machine client's reporting read sees all
 *   POST /entries   needs write:calendar  adds an entry to the caller's calendar
 *   GET  /.well-known/oauth-protected-resource   RFC 9728 metadata
 *
 * Every token check is @lanekeeper/guard's: an ID token, an expired or foreign token, or a
 * token without the scope gets a 401/403 whose WWW-Authenticate header says why. A
 * DPoP-bound token (cnf.jkt) is accepted only with a fresh proof of its key.
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { createGuard, protectedResourceMetadata, resourceMetadataUrl, type Principal } from '@lanekeeper/guard';
import { fastifyGuard, fastifyGuardPlugin } from '@lanekeeper/guard/fastify';
import { SCOPES } from '../config.js';
import { closeServer, onBoundServer, type BoundSocket } from '../loopback.js';
import type { EntryStore } from './store.js';

export interface CalendarApiOptions {
  /** The socket to serve on; its origin is the API's identifier. */
  socket: BoundSocket;
  /** Lanekeeper's issuer identifier. */
  issuer: string;
  store: EntryStore;
}

export interface RunningCalendarApi {
  /** The API's identifier: its own URL, the `aud` its access tokens must carry. */
  identifier: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * A client-credentials token has no person behind it: Lanekeeper sets its `sub` to the
 * client's own id. A person's `sub` is a server-made `lk_…` id that no client id may take,
 * so `sub === client_id` tells the two lanes apart without trusting anything else.
 */
export function isMachineCaller(auth: Principal): boolean {
  return auth.sub === auth.clientId;
}

const entryBody = {
  type: 'object',
  required: ['title', 'date'],
  additionalProperties: false,
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 200 },
    date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
  },
} as const;

function isRealDate(value: string): boolean {
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

export async function startCalendarApi(options: CalendarApiOptions): Promise<RunningCalendarApi> {
  const { socket, issuer, store } = options;
  const identifier = socket.origin;
  // publicOrigin: a DPoP proof's htu names the API's public URL, whatever Host the request arrived with.
  const guard = createGuard({ issuer, audience: identifier, resourceMetadataUrl: resourceMetadataUrl(identifier), publicOrigin: new URL(identifier).origin });
  await guard.ready();

  const app = Fastify({ logger: false, bodyLimit: 16 * 1024, serverFactory: onBoundServer(socket.server) });
  await app.register(fastifyGuardPlugin, {
    resourceMetadata: protectedResourceMetadata({
      resource: identifier,
      authorizationServers: [issuer],
      scopesSupported: [SCOPES.read, SCOPES.write],
      resourceName: 'Calendar API',
    }),
  });

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error.validation) {
      return reply.code(400).send({ error: 'invalid_request', error_description: `the entry is not valid: ${error.message}` });
    }
    if (error.statusCode && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: 'invalid_request', error_description: error.message });
    }
    return reply.code(500).send({ error: 'server_error', error_description: 'the calendar API failed; try again' });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'not_found', error_description: 'no such resource; see GET /' }));

  app.get('/', async () => ({
    name: 'Calendar API',
    resource: identifier,
    resource_metadata: resourceMetadataUrl(identifier),
    endpoints: { 'GET /entries': SCOPES.read, 'POST /entries': SCOPES.write },
  }));

  // onRequest: the token is checked before the body is read, parsed or validated, so a
  // caller without a valid token learns that first and costs no parsing.
  app.get('/entries', { onRequest: fastifyGuard(guard, { scopes: [SCOPES.read] }) }, async (request, reply) => {
    const auth = request.auth!;
    reply.header('cache-control', 'no-store');
    if (isMachineCaller(auth)) return { view: 'all', entries: store.listAll() };
    return { view: 'own', entries: store.listFor(auth.sub) };
  });

  app.post<{ Body: { title: string; date: string } }>(
    '/entries',
    { onRequest: fastifyGuard(guard, { scopes: [SCOPES.write] }), schema: { body: entryBody } },
    async (request, reply) => {
      const auth = request.auth!;
      const title = request.body.title.trim();
      if (!title) return reply.code(400).send({ error: 'invalid_request', error_description: 'the entry needs a title' });
      if (!isRealDate(request.body.date)) return reply.code(400).send({ error: 'invalid_request', error_description: 'date must be a real day, YYYY-MM-DD' });
      const entry = store.add({ owner: auth.sub, title, date: request.body.date, createdBy: auth.clientId });
      return reply.code(201).header('cache-control', 'no-store').send({ entry });
    },
  );

  await app.ready();
  return {
    identifier,
    app,
    async close() {
      await app.close();
      await closeServer(socket.server);
    },
  };
}
