// One table of acceptance and refusal cases, run through every adapter over real HTTP.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { createGuard, GuardError, protectedResourceMetadata, requireScopes, resourceMetadataUrl, type Guard, type ProtectedResourceMetadata } from '../src/index.js';
import { messages } from '../src/lanes/index.js';
import { authOf, expressGuard, expressGuardErrors, expressResourceMetadata } from '../src/adapters/express.js';
import { fastifyGuard, fastifyGuardPlugin, sendGuardError } from '../src/adapters/fastify.js';
import { guardErrorResponse, honoGuard, honoResourceMetadata, type GuardEnv } from '../src/adapters/hono.js';
import { withGuard } from '../src/adapters/fetch.js';
import { TestIssuer, unsignedToken } from './helpers/issuer.js';
import { dpopKey, dpopProof, type DpopKey } from './helpers/dpop.js';
import { fetchListener, listen, type Listening } from './helpers/serve.js';

interface Api {
  origin: string;
  resource: string;
  close(): Promise<void>;
}

type Build = (guard: Guard, metadata: ProtectedResourceMetadata, server: Listening) => Promise<void>;

const reply = (auth: { sub: string; dpop?: { jkt: string } | undefined }) => ({ sub: auth.sub, jkt: auth.dpop?.jkt ?? null });
/** A route that checks a scope itself, inside the handler. */
const strict = <T extends Parameters<typeof requireScopes>[0]>(auth: T) => {
  requireScopes(auth, 'delete:calendar');
  return reply(auth);
};

const adapters: Array<{ name: string; build: Build }> = [
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

interface Context {
  issuer: TestIssuer;
  api: Api;
  key: DpopKey;
}

interface Case {
  name: string;
  path?: string;
  /** Headers and query for the request. */
  request: (ctx: Context) => Promise<{ headers?: Record<string, string>; query?: string }>;
  status: number;
  error?: string;
  description?: string;
  /** Checks on the WWW-Authenticate header. */
  challenge?: (value: string, ctx: Context) => void;
  body?: (body: Record<string, unknown>, ctx: Context) => void;
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const now = () => Math.floor(Date.now() / 1000);

const cases: Case[] = [
  {
    name: 'accepts a valid access token and hands the principal to the route',
    request: async ({ issuer, api }) => bearer(await issuer.accessToken(api.resource)),
    status: 200,
    body: (body) => assert.deepEqual(body, { sub: 'user_7Hq2', jkt: null }),
  },
  {
    name: 'refuses a request without a token with a bare Bearer challenge and the resource metadata URL',
    request: async () => ({}),
    status: 401,
    description: messages.missingToken,
    challenge: (value, { api }) => assert.equal(value, `Bearer resource_metadata="${resourceMetadataUrl(api.resource)}"`),
  },
  {
    name: 'refuses an ID token, saying it is an ID token',
    request: async ({ issuer }) => bearer(await issuer.idToken()),
    status: 401,
    error: 'invalid_token',
    description: messages.idToken,
  },
  {
    name: 'refuses an access token for another API',
    request: async ({ issuer }) => bearer(await issuer.accessToken('https://mail.example.com')),
    status: 401,
    error: 'invalid_token',
    description: 'this access token is for https://mail.example.com, not for this API ',
  },
  {
    name: 'refuses an expired access token',
    request: async ({ issuer, api }) => bearer(await issuer.accessToken(api.resource, { claims: { exp: now() - 60, iat: now() - 700 } })),
    status: 401,
    error: 'invalid_token',
    description: messages.expired,
  },
  {
    name: 'refuses an unsigned token',
    request: async ({ issuer, api }) => bearer(unsignedToken({ iss: issuer.url, aud: api.resource, sub: 'a', client_id: 'b', exp: now() + 60 })),
    status: 401,
    error: 'invalid_token',
    description: messages.algNone,
  },
  {
    name: 'refuses a token in the query string, telling to use the Authorization header',
    request: async ({ issuer, api }) => ({ query: `access_token=${await issuer.accessToken(api.resource)}` }),
    status: 401,
    error: 'invalid_request',
    description: messages.tokenInQuery,
  },
  {
    name: 'refuses a request carrying two tokens',
    request: async ({ issuer, api }) => {
      const token = await issuer.accessToken(api.resource);
      return { ...bearer(token), query: `access_token=${token}` };
    },
    status: 400,
    error: 'invalid_request',
    description: messages.multipleTokens,
  },
  {
    name: 'refuses a token without the route scope with 403 and the scope in the challenge',
    path: '/admin',
    request: async ({ issuer, api }) => bearer(await issuer.accessToken(api.resource)),
    status: 403,
    error: 'insufficient_scope',
    description: messages.insufficientScope(['admin'], ['read:calendar', 'write:calendar']),
    challenge: (value) => assert.match(value, /scope="admin"/),
  },
  {
    name: 'answers a GuardError thrown by requireScopes inside the route like the guard does',
    path: '/strict',
    request: async ({ issuer, api }) => bearer(await issuer.accessToken(api.resource)),
    status: 403,
    error: 'insufficient_scope',
    description: messages.insufficientScope(['delete:calendar'], ['read:calendar', 'write:calendar']),
    challenge: (value) => assert.match(value, /^Bearer error="insufficient_scope", .*scope="delete:calendar"$/),
  },
  {
    name: 'accepts a DPoP-bound token with a valid proof',
    request: async ({ issuer, api, key }) => {
      const token = await issuer.accessToken(api.resource, { claims: { cnf: { jkt: key.jkt } } });
      return { headers: { authorization: `DPoP ${token}`, dpop: await dpopProof(key, { htm: 'GET', htu: `${api.origin}/calendar`, token }) } };
    },
    status: 200,
    body: (body, { key }) => assert.deepEqual(body, { sub: 'user_7Hq2', jkt: key.jkt }),
  },
  {
    name: 'refuses a DPoP-bound token sent as Bearer, with a DPoP challenge',
    request: async ({ issuer, api, key }) => bearer(await issuer.accessToken(api.resource, { claims: { cnf: { jkt: key.jkt } } })),
    status: 401,
    error: 'invalid_token',
    description: messages.boundTokenAsBearer,
    challenge: (value) => assert.match(value, /^DPoP algs="/),
  },
  {
    name: 'refuses a DPoP proof made for another URL',
    request: async ({ issuer, api, key }) => {
      const token = await issuer.accessToken(api.resource, { claims: { cnf: { jkt: key.jkt } } });
      return { headers: { authorization: `DPoP ${token}`, dpop: await dpopProof(key, { htm: 'GET', htu: `${api.origin}/elsewhere`, token }) } };
    },
    status: 401,
    error: 'invalid_dpop_proof',
    description: messages.proofHtu,
  },
  {
    name: 'accepts an opaque access token via introspection',
    request: async ({ issuer, api }) => {
      const token = `lk_at_${crypto.randomUUID().replaceAll('-', '')}`;
      issuer.registerOpaque(token, { active: true, iss: issuer.url, aud: api.resource, sub: 'user_7Hq2', client_id: 'todo-web', scope: 'read:calendar', exp: now() + 60 });
      return bearer(token);
    },
    status: 200,
    body: (body) => assert.deepEqual(body, { sub: 'user_7Hq2', jkt: null }),
  },
  {
    name: 'refuses an inactive opaque token',
    request: async () => bearer('lk_at_bm90LWtub3duLXRvLXRoZS1pc3N1ZXI'),
    status: 401,
    error: 'invalid_token',
    description: messages.inactive,
  },
];

for (const adapter of adapters) {
  describe(`${adapter.name} adapter`, () => {
    const ctx = {} as Context;
    let server: Listening;

    before(async () => {
      ctx.issuer = await TestIssuer.start();
      ctx.key = await dpopKey();
      server = await listen();
      const resource = `${server.origin}/calendar`;
      ctx.api = { origin: server.origin, resource, close: () => server.close() };
      const guard = createGuard({
        issuer: ctx.issuer.url,
        audience: resource,
        resourceMetadataUrl: resourceMetadataUrl(resource),
        introspection: { clientId: ctx.issuer.apiClient.id, clientSecret: ctx.issuer.apiClient.secret },
      });
      const metadata = protectedResourceMetadata({ resource, authorizationServers: [ctx.issuer.url], scopesSupported: ['read:calendar', 'write:calendar', 'admin'] });
      await adapter.build(guard, metadata, server);
    });
    after(async () => {
      await ctx.api.close();
      await ctx.issuer.close();
    });

    for (const c of cases) {
      test(c.name, async () => {
        const { headers, query } = await c.request(ctx);
        const response = await fetch(`${ctx.api.origin}${c.path ?? '/calendar'}${query ? `?${query}` : ''}`, { headers });
        const body = (await response.json()) as Record<string, unknown>;
        assert.equal(response.status, c.status, JSON.stringify(body));
        c.body?.(body, ctx);
        if (c.status >= 400) {
          assert.equal(response.headers.get('cache-control'), 'no-store');
          assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
          assert.equal(body['error'], c.error);
          assert.ok(typeof body['error_description'] === 'string' && body['error_description'].startsWith(c.description ?? ''), String(body['error_description']));
          const challenge = response.headers.get('www-authenticate');
          assert.ok(challenge, 'a WWW-Authenticate header');
          if (c.error) assert.ok(challenge.includes(`error="${c.error}"`), challenge);
          c.challenge?.(challenge, ctx);
          const sent = headers?.['authorization']?.split(' ')[1] ?? query?.split('=')[1];
          if (sent) assert.ok(!JSON.stringify(body).includes(sent) && !challenge.includes(sent), 'the token is not echoed');
        }
      });
    }

    test('serves RFC 9728 metadata at the path-inserted well-known URL', async () => {
      const response = await fetch(resourceMetadataUrl(ctx.api.resource));
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
      const body = (await response.json()) as Record<string, unknown>;
      assert.equal(body['resource'], ctx.api.resource);
      assert.deepEqual(body['authorization_servers'], [ctx.issuer.url]);
      assert.deepEqual(body['bearer_methods_supported'], ['header']);
    });
  });
}

describe('express adapter with a form parser', () => {
  test('refuses a token sent in a form body, telling to use the Authorization header', async () => {
    const issuer = await TestIssuer.start();
    const server = await listen();
    try {
      const guard = createGuard({ issuer: issuer.url, audience: `${server.origin}/calendar` });
      const app = express();
      app.post('/calendar', express.urlencoded({ extended: false }), expressGuard(guard), (req, res) => void res.json(reply(authOf(req))));
      server.handle(app);
      const token = await issuer.accessToken(`${server.origin}/calendar`);
      const response = await fetch(`${server.origin}/calendar`, { method: 'POST', body: new URLSearchParams({ access_token: token }) });
      assert.equal(response.status, 401);
      assert.deepEqual(await response.json(), { error: 'invalid_request', error_description: messages.tokenInBody });
      const both = await fetch(`${server.origin}/calendar`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: new URLSearchParams({ access_token: token }) });
      assert.equal(both.status, 400);
      assert.equal(((await both.json()) as { error_description: string }).error_description, messages.multipleTokens);
    } finally {
      await server.close();
      await issuer.close();
    }
  });
});
