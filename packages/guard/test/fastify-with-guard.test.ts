// withGuard for Fastify: the guard inside the route handler. What the adapter table cannot
// show: every way a Fastify handler answers, both when the guard answers at once (keys in
// hand) and when it had to wait (keys fetched on the first request).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { createGuard, GuardError, type Guard } from '../src/index.js';
import { messages } from '../src/lanes/index.js';
import { fastifyGuard, fastifyGuardPlugin, sendGuardError, withGuard } from '../src/adapters/fastify.js';
import { TestIssuer } from './helpers/issuer.js';
import { assertAnswer } from './helpers/adapters.js';

const AUDIENCE = 'https://calendar.example.com';

/** Listens on a free loopback port; the app's origin. */
async function listenOn(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  assert.ok(address && typeof address === 'object');
  return `http://127.0.0.1:${address.port}`;
}

describe('fastify withGuard: the guard inside the handler', () => {
  let issuer: TestIssuer;
  let token: string;

  before(async () => {
    issuer = await TestIssuer.start();
    token = await issuer.accessToken(AUDIENCE);
  });
  after(() => issuer.close());

  /** An app whose routes answer in the different ways Fastify allows, its guard's keys not yet fetched. */
  async function serve(): Promise<{ origin: string; guard: Guard; app: FastifyInstance; runs: { value: number } }> {
    const runs = { value: 0 };
    const guard = createGuard({ issuer: issuer.url, audience: AUDIENCE });
    const app = Fastify();
    await app.register(fastifyGuardPlugin);
    // Sends later and returns nothing (callback style).
    app.get('/later', withGuard(guard, (_request, reply, auth) => void setImmediate(() => reply.send({ sub: auth.sub, how: 'later' }))));
    // Returns its answer without a promise.
    app.get('/value', withGuard(guard, (_request, _reply, auth) => (runs.value++, { sub: auth.sub, how: 'value' })));
    // An async handler that sends with reply.send and returns the reply, as Fastify's docs say.
    app.get('/sent', withGuard(guard, async (_request, reply, auth) => reply.code(201).send({ sub: auth.sub, how: 'sent' })));
    // `this` is the Fastify instance; the principal is request.auth too.
    app.get('/this', withGuard(guard, function (request, _reply, auth) {
      return { same: this === app, auth: request.auth === auth };
    }));
    app.get('/throws', withGuard(guard, () => {
      throw new Error('the handler failed');
    }));
    app.get('/scoped', withGuard(guard, async (_request, _reply, auth) => ({ sub: auth.sub }), { scopes: ['admin'] }));
    app.setErrorHandler((error, _request, reply) =>
      error instanceof GuardError ? sendGuardError(reply, error) : reply.code(500).send({ error: 'server_error', message: (error as Error).message }),
    );
    return { origin: await listenOn(app), guard, app, runs };
  }

  const get = (origin: string, path: string, t = token) => fetch(`${origin}${path}`, { headers: { authorization: `Bearer ${t}` } });

  for (const [path, status, body] of [
    ['/later', 200, { sub: 'user_7Hq2', how: 'later' }],
    ['/value', 200, { sub: 'user_7Hq2', how: 'value' }],
    ['/sent', 201, { sub: 'user_7Hq2', how: 'sent' }],
    ['/this', 200, { same: true, auth: true }],
    ['/throws', 500, { error: 'server_error', message: 'the handler failed' }],
  ] as const) {
    test(`${path}: the same answer whether the guard waited for the keys or had them`, async () => {
      const { origin, guard, app } = await serve();
      try {
        const first = await get(origin, path);
        assert.equal(guard.stats().jwksFetches, 1, 'the first request waited for the keys');
        assert.equal(first.status, status);
        assert.deepEqual(await first.json(), body);
        const second = await get(origin, path);
        assert.equal(guard.stats().jwksFetches, 1, 'the second had them');
        assert.equal(second.status, status);
        assert.deepEqual(await second.json(), body);
      } finally {
        await app.close();
      }
    });
  }

  test('refusals are the guard refusals, before and after the keys are in hand; the handler does not run', async () => {
    const { origin, app, runs } = await serve();
    try {
      const unknownKid = await issuer.accessToken(AUDIENCE, { header: { kid: 'a-kid-nobody-published' } });
      await assertAnswer(await get(origin, '/value', unknownKid), { status: 401, error: 'invalid_token', description: messages.unknownKid });
      await assertAnswer(await get(origin, '/value', await issuer.idToken()), { status: 401, error: 'invalid_token', description: messages.idToken });
      await assertAnswer(await get(origin, '/scoped'), { status: 403, error: 'insufficient_scope' });
      const missing = await fetch(`${origin}/value`);
      await assertAnswer(missing, { status: 401, description: messages.missingToken });
      assert.equal(runs.value, 0);
      assert.equal((await get(origin, '/value')).status, 200);
      assert.equal(runs.value, 1);
    } finally {
      await app.close();
    }
  });

  test('the preHandler as a hook of a plugin scope guards every route in it, and none outside', async () => {
    const guard = createGuard({ issuer: issuer.url, audience: AUDIENCE });
    const app = Fastify();
    await app.register(fastifyGuardPlugin);
    await app.register(async (scope) => {
      scope.addHook('preHandler', fastifyGuard(guard, { scopes: ['read:calendar'] }));
      scope.get('/calendar', async (request) => ({ sub: request.auth!.sub }));
      scope.get('/other', async (request) => ({ sub: request.auth!.sub }));
    });
    app.get('/health', async () => ({ ok: true }));
    const origin = await listenOn(app);
    try {
      for (const path of ['/calendar', '/other']) {
        assert.deepEqual(await (await get(origin, path)).json(), { sub: 'user_7Hq2' });
        await assertAnswer(await fetch(`${origin}${path}`), { status: 401, description: messages.missingToken });
      }
      assert.deepEqual(await (await fetch(`${origin}/health`)).json(), { ok: true });
    } finally {
      await app.close();
    }
  });
});

describe('fastify: the guard as an onRequest hook refuses before the body is read', () => {
  let issuer: TestIssuer;
  before(async () => {
    issuer = await TestIssuer.start();
  });
  after(() => issuer.close());

  test('onRequest: an unauthenticated POST is refused without parsing its body; preHandler parses it first', async () => {
    const guard = createGuard({ issuer: issuer.url, audience: AUDIENCE });
    const app = Fastify();
    await app.register(fastifyGuardPlugin);
    let parsed = 0;
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
      parsed++;
      done(null, JSON.parse(body as string));
    });
    app.post('/early', { onRequest: fastifyGuard(guard, { scopes: ['write:calendar'] }) }, async (request) => ({ sub: request.auth!.sub, body: request.body }));
    app.post('/late', { preHandler: fastifyGuard(guard, { scopes: ['write:calendar'] }) }, async (request) => ({ sub: request.auth!.sub }));
    const origin = await listenOn(app);
    try {
      const post = (path: string, headers: Record<string, string> = {}) =>
        fetch(`${origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ title: 'x'.repeat(100_000) }) });
      await assertAnswer(await post('/early'), { status: 401, description: messages.missingToken });
      assert.equal(parsed, 0, 'onRequest refused before the body was parsed');
      await assertAnswer(await post('/late'), { status: 401, description: messages.missingToken });
      assert.equal(parsed, 1, 'the preHandler runs after the body was parsed');
      const token = await issuer.accessToken(AUDIENCE);
      const accepted = (await (await post('/early', { authorization: `Bearer ${token}` })).json()) as { sub: string; body: { title: string } };
      assert.equal(accepted.sub, 'user_7Hq2');
      assert.equal(accepted.body.title.length, 100_000, 'the body is parsed for the requests the guard lets through');
    } finally {
      await app.close();
    }
  });
});
