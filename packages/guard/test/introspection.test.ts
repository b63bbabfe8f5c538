import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createGuard, type Guard, type GuardOptions } from '../src/index.js';
import { messages } from '../src/lanes/index.js';
import { TestIssuer } from './helpers/issuer.js';
import { TestClock } from './helpers/clock.js';
import { assertRefused, request } from './helpers/assert.js';

const AUDIENCE = 'https://calendar.example.com';
const TOKEN = 'lk_at_x5RzYjV0Q2hhbmdlVGhpc1JhbmRvbVN0cmluZw';

describe('guard: opaque access tokens via introspection (RFC 7662)', () => {
  let issuer: TestIssuer;
  let clock: TestClock;
  let guard: Guard;
  const make = (options: Partial<GuardOptions> = {}) =>
    createGuard({
      issuer: issuer.url,
      audience: AUDIENCE,
      now: clock.now,
      introspection: { clientId: issuer.apiClient.id, clientSecret: issuer.apiClient.secret },
      ...options,
    });
  const active = (extra: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return { active: true, iss: issuer.url, aud: AUDIENCE, sub: 'user_7Hq2', client_id: 'todo-web', scope: 'read:calendar', exp: now + 600, iat: now, token_type: 'Bearer', ...extra };
  };

  beforeEach(async () => {
    issuer = await TestIssuer.start();
    clock = new TestClock();
    guard = make();
  });
  afterEach(() => issuer.close());

  test('accepts an active opaque token, asking with HTTP Basic at the endpoint from the metadata', async () => {
    issuer.registerOpaque(TOKEN, active());
    const principal = await guard.verify(request({ token: TOKEN }));
    assert.equal(principal.source, 'introspection');
    assert.equal(principal.sub, 'user_7Hq2');
    assert.equal(principal.clientId, 'todo-web');
    assert.deepEqual(principal.scopes, ['read:calendar']);
    assert.equal(issuer.lastIntrospectionAuthorization, `Basic ${Buffer.from('calendar-api:calendar-api-secret').toString('base64')}`);
    assert.equal(issuer.jwksFetches, 0, 'opaque tokens need no keys');
  });

  test('accepts an opaque token without the Lanekeeper prefix', async () => {
    issuer.registerOpaque('2YotnFZFEjr1zCsicMWpAA', active());
    assert.equal((await guard.verify(request({ token: '2YotnFZFEjr1zCsicMWpAA' }))).sub, 'user_7Hq2');
  });

  test('refuses an inactive token', async () => {
    await assertRefused(guard.verify(request({ token: TOKEN })), { status: 401, code: 'invalid_token', description: messages.inactive }, TOKEN);
    assert.equal(issuer.introspectionRequests, 1);
  });

  test('refuses an active token for another API', async () => {
    issuer.registerOpaque(TOKEN, active({ aud: 'https://mail.example.com' }));
    await assertRefused(guard.verify(request({ token: TOKEN })), {
      status: 401,
      code: 'invalid_token',
      description: messages.audienceMismatch(['https://mail.example.com'], AUDIENCE),
    }, TOKEN);
  });

  test('refuses an active token without aud', async () => {
    const response: Record<string, unknown> = active();
    delete response['aud'];
    issuer.registerOpaque(TOKEN, response);
    await assertRefused(guard.verify(request({ token: TOKEN })), { status: 401, code: 'invalid_token', description: messages.audienceMismatch(undefined, AUDIENCE) });
  });

  test('refuses an answer that says the token is a refresh token', async () => {
    issuer.registerOpaque(TOKEN, active({ token_type: 'refresh_token' }));
    await assertRefused(guard.verify(request({ token: TOKEN })), { status: 401, code: 'invalid_token', description: messages.introspectedNotAccessToken });
  });

  test('refuses a refresh token without asking the issuer', async () => {
    const token = 'lk_rt_x5RzYjV0Q2hhbmdlVGhpc1JhbmRvbVN0cmluZw';
    await assertRefused(guard.verify(request({ token })), { status: 401, code: 'invalid_token', description: messages.refreshToken }, token);
    assert.equal(issuer.introspectionRequests, 0);
  });

  test('fails closed with 503 when the introspection endpoint errors', async () => {
    issuer.registerOpaque(TOKEN, active());
    issuer.introspectionDown = 'error';
    const error = await assertRefused(guard.verify(request({ token: TOKEN })), { status: 503, code: 'temporarily_unavailable', description: messages.introspectionUnavailable }, TOKEN);
    assert.equal(error.wwwAuthenticate, undefined);
  });

  test('fails closed with 503 when the introspection connection drops', async () => {
    issuer.registerOpaque(TOKEN, active());
    issuer.introspectionDown = 'drop';
    await assertRefused(guard.verify(request({ token: TOKEN })), { status: 503, code: 'temporarily_unavailable', description: messages.introspectionUnavailable });
  });

  test('fails closed with 503 when the API credentials are refused', async () => {
    guard = make({ introspection: { clientId: 'calendar-api', clientSecret: 'wrong' } });
    issuer.registerOpaque(TOKEN, active());
    await assertRefused(guard.verify(request({ token: TOKEN })), { status: 503, code: 'temporarily_unavailable', description: messages.introspectionUnavailable });
  });

  test('reuses an active answer within cacheTtl', async () => {
    issuer.registerOpaque(TOKEN, active());
    await guard.verify(request({ token: TOKEN }));
    clock.advance(59);
    await guard.verify(request({ token: TOKEN }));
    assert.equal(issuer.introspectionRequests, 1);
    clock.advance(2);
    await guard.verify(request({ token: TOKEN }));
    assert.equal(issuer.introspectionRequests, 2);
  });

  test('never reuses an answer past the token exp', async () => {
    issuer.registerOpaque(TOKEN, active({ exp: Math.floor(Date.now() / 1000) + 20 }));
    await guard.verify(request({ token: TOKEN }));
    clock.advance(30);
    await assertRefused(guard.verify(request({ token: TOKEN })), { status: 401, code: 'invalid_token', description: messages.expired });
    assert.equal(issuer.introspectionRequests, 2);
  });

  test('concurrent requests with one token share one introspection', async () => {
    issuer.registerOpaque(TOKEN, active());
    await Promise.all(Array.from({ length: 10 }, () => guard.verify(request({ token: TOKEN }))));
    assert.equal(issuer.introspectionRequests, 1);
  });

  test('uses a configured endpoint without discovery', async () => {
    const g = createGuard({
      issuer: 'https://issuer.invalid',
      audience: AUDIENCE,
      introspection: { endpoint: issuer.introspectionEndpoint, clientId: issuer.apiClient.id, clientSecret: issuer.apiClient.secret },
    });
    issuer.registerOpaque(TOKEN, active({ iss: 'https://issuer.invalid' }));
    assert.equal((await g.verify(request({ token: TOKEN }))).sub, 'user_7Hq2');
  });

  test('refuses an answer from another issuer', async () => {
    issuer.registerOpaque(TOKEN, active({ iss: 'https://evil.example.com' }));
    await assertRefused(guard.verify(request({ token: TOKEN })), { status: 401, code: 'invalid_token', description: messages.issuerMismatch('https://evil.example.com', issuer.url) });
  });
});
