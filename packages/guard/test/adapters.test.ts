// One table of acceptance and refusal cases, run through every adapter over real HTTP.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import express from 'express';
import { createGuard, protectedResourceMetadata, resourceMetadataUrl } from '../src/index.js';
import { messages } from '../src/lanes/index.js';
import { authOf, expressGuard } from '../src/adapters/express.js';
import { TestIssuer, unsignedToken } from './helpers/issuer.js';
import { dpopKey, dpopProof, type DpopKey } from './helpers/dpop.js';
import { adapters, assertAnswer, reply } from './helpers/adapters.js';
import { listen, type Listening } from './helpers/serve.js';

interface Api {
  origin: string;
  resource: string;
  close(): Promise<void>;
}

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
        const sent = headers?.['authorization']?.split(' ')[1] ?? query?.split('=')[1];
        const { body, challenge } = await assertAnswer(response, c, sent);
        c.body?.(body, ctx);
        if (c.status >= 400) c.challenge?.(challenge ?? '', ctx);
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
