// The adapters (Express, Fastify as a preHandler and inside the handler, Hono, fetch), each serving the same routes, so one
// table of cases can run through all of them over real HTTP.
import assert from 'node:assert/strict';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { GuardError, requireScopes, type Guard, type ProtectedResourceMetadata } from '../../src/index.js';
import { authOf, expressGuard, expressGuardErrors, expressResourceMetadata } from '../../src/adapters/express.js';
import { fastifyGuard, fastifyGuardPlugin, sendGuardError, withGuard as fastifyWithGuard } from '../../src/adapters/fastify.js';
import { guardErrorResponse, honoGuard, honoResourceMetadata, type GuardEnv } from '../../src/adapters/hono.js';
import { withGuard } from '../../src/adapters/fetch.js';
import { fetchListener, type Listening } from './serve.js';

/**
 * Serves on `server`: `/calendar` (needs read:calendar), `/admin` (needs admin), `/strict`
 * (checks delete:calendar inside the route), each answering `{ sub, jkt }`, plus the
 * resource metadata.
 */
export type Build = (guard: Guard, metadata: ProtectedResourceMetadata, server: Listening) => Promise<void>;

export const reply = (auth: { sub: string; dpop?: { jkt: string } | undefined }) => ({ sub: auth.sub, jkt: auth.dpop?.jkt ?? null });
/** A route that checks a scope itself, inside the handler. */
const strict = <T extends Parameters<typeof requireScopes>[0]>(auth: T) => {
  requireScopes(auth, 'delete:calendar');
  return reply(auth);
};

export const adapters: Array<{ name: string; build: Build }> = [
  {
    name: 'express',
    build: async (guard, metadata, server) => {
      const app = express();
      app.use(expressResourceMetadata(metadata));
      app.get('/calendar', expressGuard(guard, { scopes: ['read:calendar'] }), (req, res) => void res.json(reply(authOf(req))));
      app.get('/admin', expressGuard(guard, { scopes: ['admin'] }), (req, res) => void res.json(reply(authOf(req))));
      app.get('/strict', expressGuard(guard), (req, res) => void res.json(strict(authOf(req))));
      app.use(expressGuardErrors());
      server.handle(app);
    },
  },
  {
    name: 'fastify',
    build: async (guard, metadata, server) => {
      const app = Fastify();
      await app.register(fastifyGuardPlugin, { resourceMetadata: metadata });
      app.get('/calendar', { preHandler: fastifyGuard(guard, { scopes: ['read:calendar'] }) }, async (request) => reply(request.auth!));
      app.get('/admin', { preHandler: fastifyGuard(guard, { scopes: ['admin'] }) }, async (request) => reply(request.auth!));
      app.get('/strict', { preHandler: fastifyGuard(guard) }, async (request) => strict(request.auth!));
      app.setErrorHandler((error, _request, res) => (error instanceof GuardError ? sendGuardError(res, error) : res.code(500).send({ error: 'server_error' })));
      await app.ready();
      server.handle((req, res) => app.server.emit('request', req, res));
    },
  },
  {
    // The guard inside the handler: an async handler, one that sends later (callback style,
    // returning nothing), and one that checks a scope itself.
    name: 'fastify withGuard',
    build: async (guard, metadata, server) => {
      const app = Fastify();
      await app.register(fastifyGuardPlugin, { resourceMetadata: metadata });
      app.get('/calendar', fastifyWithGuard(guard, async (request, _reply, auth) => {
        assert.equal(request.auth, auth);
        return reply(auth);
      }, { scopes: ['read:calendar'] }));
      app.get('/admin', fastifyWithGuard(guard, (_request, res, auth) => void setImmediate(() => res.send(reply(auth))), { scopes: ['admin'] }));
      app.get('/strict', fastifyWithGuard(guard, (_request, _reply, auth) => strict(auth)));
      app.setErrorHandler((error, _request, res) => (error instanceof GuardError ? sendGuardError(res, error) : res.code(500).send({ error: 'server_error' })));
      await app.ready();
      server.handle((req, res) => app.server.emit('request', req, res));
    },
  },
  {
    name: 'hono',
    build: async (guard, metadata, server) => {
      const app = new Hono<GuardEnv>();
      app.use(honoResourceMetadata(metadata));
      app.get('/calendar', honoGuard(guard, { scopes: ['read:calendar'] }), (c) => c.json(reply(c.get('auth'))));
      app.get('/admin', honoGuard(guard, { scopes: ['admin'] }), (c) => c.json(reply(c.get('auth'))));
      app.get('/strict', honoGuard(guard), (c) => c.json(strict(c.get('auth'))));
      app.onError((error, c) => (error instanceof GuardError ? guardErrorResponse(error) : c.json({ error: 'server_error' }, 500)));
      server.handle(fetchListener(server.origin, (request) => app.fetch(request)));
    },
  },
  {
    name: 'fetch',
    build: async (guard, metadata, server) => {
      const calendar = withGuard(guard, (_request, auth) => Response.json(reply(auth)), { scopes: ['read:calendar'], resourceMetadata: metadata });
      const admin = withGuard(guard, (_request, auth) => Response.json(reply(auth)), { scopes: ['admin'] });
      const strictRoute = withGuard(guard, (_request, auth) => Response.json(strict(auth)));
      const routes: Record<string, (request: Request) => Promise<Response>> = { '/admin': admin, '/strict': strictRoute };
      server.handle(fetchListener(server.origin, (request) => (routes[new URL(request.url).pathname] ?? calendar)(request)));
    },
  },
];

export interface ExpectedAnswer {
  status: number;
  /** The JSON body's `error` (and the challenge's), absent for a bare challenge. */
  error?: string | undefined;
  /** The start of `error_description`. */
  description?: string | undefined;
}

/**
 * Reads a response and checks it: the status; for a refusal, `Cache-Control: no-store`, a
 * JSON body with `error` and `error_description`, a WWW-Authenticate challenge with the same
 * error, and no trace of the token sent. Returns the body and the challenge.
 */
export async function assertAnswer(response: Response, expected: ExpectedAnswer, sent?: string): Promise<{ body: Record<string, unknown>; challenge: string | null }> {
  const body = (await response.json()) as Record<string, unknown>;
  assert.equal(response.status, expected.status, JSON.stringify(body));
  const challenge = response.headers.get('www-authenticate');
  if (expected.status < 400) return { body, challenge };
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(body['error'], expected.error);
  const description = body['error_description'];
  assert.ok(typeof description === 'string' && description.startsWith(expected.description ?? ''), String(description));
  if (expected.status !== 503) {
    assert.ok(challenge, 'a WWW-Authenticate header');
    if (expected.error) assert.ok(challenge.includes(`error="${expected.error}"`), challenge);
  }
  if (sent) assert.ok(!JSON.stringify(body).includes(sent) && !challenge?.includes(sent), 'the token is not echoed');
  return { body, challenge };
}
