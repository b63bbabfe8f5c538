import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createGuard, type Guard, type GuardOptions } from '../src/index.js';
import { messages } from '../src/lanes/index.js';
import { TestIssuer } from './helpers/issuer.js';
import { TestClock } from './helpers/clock.js';
import { assertRefused, request } from './helpers/assert.js';

const AUDIENCE = 'https://calendar.example.com';

describe('guard: JWKS cache and key rotation', () => {
  let issuer: TestIssuer;
  let clock: TestClock;
  let guard: Guard;
  const make = (options: Partial<GuardOptions> = {}) => createGuard({ issuer: issuer.url, audience: AUDIENCE, now: clock.now, ...options });

  beforeEach(async () => {
    issuer = await TestIssuer.start();
    clock = new TestClock();
    guard = make();
  });
  afterEach(() => issuer.close());

  test('fetches the JWKS once for many tokens signed by known keys', async () => {
    for (let i = 0; i < 5; i++) await guard.verify(request({ token: await issuer.accessToken(AUDIENCE) }));
    assert.equal(issuer.jwksFetches, 1);
    assert.equal(guard.stats().jwksFetches, 1);
  });

  test('accepts a new kid after one refetch once the cooldown has passed', async () => {
    await guard.verify(request({ token: await issuer.accessToken(AUDIENCE) }));
    const next = await issuer.addKey('ES256');
    issuer.publish(issuer.key, next);
    const token = await issuer.accessToken(AUDIENCE, { key: next });
    await assertRefused(guard.verify(request({ token })), { status: 401, code: 'invalid_token', description: messages.unknownKid });
    assert.equal(issuer.jwksFetches, 1, 'no refetch within the cooldown');
    clock.advance(31);
    assert.equal((await guard.verify(request({ token }))).sub, 'user_7Hq2');
    assert.equal(issuer.jwksFetches, 2);
  });

  test('an unknown-kid flood causes at most one JWKS fetch per cooldown', async () => {
    await guard.verify(request({ token: await issuer.accessToken(AUDIENCE) }));
    clock.advance(31);
    const strangers = await Promise.all([1, 2, 3].map(() => issuer.addKey('ES256')));
    const tokens = await Promise.all(Array.from({ length: 60 }, (_, i) => issuer.accessToken(AUDIENCE, { key: strangers[i % 3] })));
    const sequential = tokens.slice(0, 20);
    for (const token of sequential) {
      await assertRefused(guard.verify(request({ token })), { status: 401, code: 'invalid_token', description: messages.unknownKid });
    }
    const concurrent = tokens.slice(20).map((token) => guard.verify(request({ token })).then(() => 'accepted', (e: Error) => e.message));
    assert.deepEqual(new Set(await Promise.all(concurrent)), new Set([messages.unknownKid]));
    assert.equal(issuer.jwksFetches, 2, 'one initial fetch plus one refetch');
    clock.advance(31);
    await assertRefused(guard.verify(request({ token: tokens[0] as string })), { status: 401, code: 'invalid_token', description: messages.unknownKid });
    assert.equal(issuer.jwksFetches, 3, 'the next cooldown allows one more');
  });

  test('concurrent requests with a new kid share one refetch', async () => {
    await guard.verify(request({ token: await issuer.accessToken(AUDIENCE) }));
    const next = await issuer.addKey('RS256');
    issuer.publish(issuer.key, next);
    clock.advance(31);
    issuer.jwksDelayMs = 100;
    const tokens = await Promise.all(Array.from({ length: 25 }, () => issuer.accessToken(AUDIENCE, { key: next })));
    const principals = await Promise.all(tokens.map((token) => guard.verify(request({ token }))));
    assert.equal(principals.length, 25);
    assert.ok(principals.every((p) => p.sub === 'user_7Hq2'));
    assert.equal(issuer.jwksFetches, 2);
  });

  test('concurrent first requests share the initial fetch', async () => {
    issuer.jwksDelayMs = 50;
    const tokens = await Promise.all(Array.from({ length: 10 }, () => issuer.accessToken(AUDIENCE)));
    await Promise.all(tokens.map((token) => guard.verify(request({ token }))));
    assert.equal(issuer.jwksFetches, 1);
  });

  test('a key removed from the JWKS stops verifying after a refetch, cached tokens included', async () => {
    const old = issuer.key;
    const oldToken = await issuer.accessToken(AUDIENCE);
    await guard.verify(request({ token: oldToken }));
    await guard.verify(request({ token: oldToken }));
    assert.equal(guard.stats().tokenCacheHits, 1, 'the old token is cached');

    const next = await issuer.addKey('ES256');
    issuer.publish(next);
    clock.advance(31);
    await guard.verify(request({ token: await issuer.accessToken(AUDIENCE, { key: next }) }));
    assert.equal(issuer.jwksFetches, 2);

    await assertRefused(guard.verify(request({ token: oldToken })), { status: 401, code: 'invalid_token', description: messages.unknownKid });
    assert.equal(guard.stats().tokenCacheHits, 1, 'the cached entry was dropped with its key');
    await assertRefused(guard.verify(request({ token: await issuer.accessToken(AUDIENCE, { key: old }) })), {
      status: 401,
      code: 'invalid_token',
      description: messages.unknownKid,
    });
  });

  test('refetches when the max-age from Cache-Control has passed, and drops removed keys', async () => {
    await issuer.close();
    issuer = await TestIssuer.start({ jwksCacheControl: 'public, max-age=120' });
    guard = make();
    const oldToken = await issuer.accessToken(AUDIENCE);
    await guard.verify(request({ token: oldToken }));
    const next = await issuer.addKey('RS256');
    issuer.publish(next);
    clock.advance(100);
    await guard.verify(request({ token: oldToken }));
    assert.equal(issuer.jwksFetches, 1, 'still fresh at 100 s');
    clock.advance(30);
    await assertRefused(guard.verify(request({ token: oldToken })), { status: 401, code: 'invalid_token', description: messages.unknownKid });
    assert.equal(issuer.jwksFetches, 2, 'refetched after 120 s');
  });

  test('without Cache-Control the JWKS stays fresh for the default 10 minutes', async () => {
    await issuer.close();
    issuer = await TestIssuer.start({ jwksCacheControl: '' });
    guard = make({ cache: false });
    const token = await issuer.accessToken(AUDIENCE, { claims: { exp: Math.floor(Date.now() / 1000) + 3600 } });
    await guard.verify(request({ token }));
    clock.advance(590);
    await guard.verify(request({ token }));
    assert.equal(issuer.jwksFetches, 1);
    clock.advance(20);
    await guard.verify(request({ token }));
    assert.equal(issuer.jwksFetches, 2);
  });

  test('keeps the last good keys when a refresh fails', async () => {
    await issuer.close();
    issuer = await TestIssuer.start({ jwksCacheControl: 'max-age=60' });
    guard = make({ cache: false });
    const token = await issuer.accessToken(AUDIENCE);
    await guard.verify(request({ token }));
    await issuer.close();
    clock.advance(61);
    assert.equal((await guard.verify(request({ token }))).sub, 'user_7Hq2', 'served with the keys in hand');
    assert.equal(guard.stats().jwksFetches, 2, 'the refresh was attempted');
  });
});

describe('guard: verified-token cache', () => {
  let issuer: TestIssuer;
  let clock: TestClock;
  beforeEach(async () => {
    issuer = await TestIssuer.start();
    clock = new TestClock();
  });
  afterEach(() => issuer.close());

  test('a cache hit skips the signature check', async () => {
    const guard = createGuard({ issuer: issuer.url, audience: AUDIENCE, now: clock.now });
    const token = await issuer.accessToken(AUDIENCE);
    for (let i = 0; i < 3; i++) await guard.verify(request({ token }));
    assert.deepEqual(
      { verifications: guard.stats().signatureVerifications, hits: guard.stats().tokenCacheHits },
      { verifications: 1, hits: 2 },
    );
  });

  test('with the cache off every request checks the signature', async () => {
    const guard = createGuard({ issuer: issuer.url, audience: AUDIENCE, now: clock.now, cache: false });
    const token = await issuer.accessToken(AUDIENCE);
    for (let i = 0; i < 3; i++) await guard.verify(request({ token }));
    assert.equal(guard.stats().signatureVerifications, 3);
    assert.equal(guard.stats().tokenCacheHits, 0);
  });

  test('a cached token is refused once it expires', async () => {
    const guard = createGuard({ issuer: issuer.url, audience: AUDIENCE, now: clock.now });
    const now = Math.floor(Date.now() / 1000);
    const token = await issuer.accessToken(AUDIENCE, { claims: { exp: now + 30 } });
    await guard.verify(request({ token }));
    clock.advance(40);
    await assertRefused(guard.verify(request({ token })), { status: 401, code: 'invalid_token', description: messages.expired });
  });

  test('the cache is bounded: the least recently used token is verified again', async () => {
    const guard = createGuard({ issuer: issuer.url, audience: AUDIENCE, now: clock.now, cache: { maxEntries: 2 } });
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => issuer.accessToken(AUDIENCE)));
    for (const token of [a, b, c, a]) await guard.verify(request({ token: token as string }));
    assert.equal(guard.stats().signatureVerifications, 4);
    assert.equal(guard.stats().tokenCacheHits, 0);
  });

  test('a cache hit still applies per-request checks (scopes)', async () => {
    const guard = createGuard({ issuer: issuer.url, audience: AUDIENCE, now: clock.now });
    const token = await issuer.accessToken(AUDIENCE, { claims: { scope: 'read:calendar' } });
    await guard.verify(request({ token }), { scopes: ['read:calendar'] });
    await assertRefused(guard.verify(request({ token }), { scopes: ['admin'] }), {
      status: 403,
      code: 'insufficient_scope',
      description: messages.insufficientScope(['admin'], ['read:calendar']),
    });
    assert.equal(guard.stats().tokenCacheHits, 1);
  });
});
