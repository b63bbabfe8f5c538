import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createGuard, type DpopReplayStore, type Guard } from '../src/index.js';
import { messages } from '../src/lanes/index.js';
import { TestIssuer } from './helpers/issuer.js';
import { dpopKey, dpopProof, type DpopKey } from './helpers/dpop.js';
import { API_URL, assertRefused, request } from './helpers/assert.js';

const AUDIENCE = 'https://calendar.example.com';
const REDIS_URL = process.env.LANEKEEPER_TEST_REDIS ?? 'redis://127.0.0.1:6379';
const replayRefusal = { status: 401, code: 'invalid_dpop_proof', description: messages.proofReplay, scheme: 'DPoP' as const };

/** The store an operator would write for Redis: one atomic SET NX with an absolute expiry. */
function redisReplayStore(redis: Redis, prefix: string): DpopReplayStore {
  return { add: async (key, expiresAt) => (await redis.set(`${prefix}${key}`, '1', 'PXAT', expiresAt, 'NX')) === 'OK' };
}

describe('guard: a shared DPoP replay store (several API instances)', () => {
  let issuer: TestIssuer;
  let key: DpopKey;
  let token: string;
  let redis: Redis;
  const prefix = `lk-test-dpop-${randomBytes(6).toString('hex')}:`;
  const guardWith = (replayStore: DpopReplayStore): Guard => createGuard({ issuer: issuer.url, audience: AUDIENCE, dpop: { replayStore } });
  const proof = () => dpopProof(key, { htm: 'GET', htu: API_URL, token });
  const bound = (dpop: string) => request({ token, scheme: 'DPoP', dpop });

  before(async () => {
    issuer = await TestIssuer.start();
    key = await dpopKey();
    token = await issuer.accessToken(AUDIENCE, { claims: { cnf: { jkt: key.jkt } } });
    redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
  });
  after(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await issuer.close();
  });

  test('on Redis: a proof accepted by one instance is refused by another, and by itself', async () => {
    const store = redisReplayStore(redis, prefix);
    const [a, b] = [guardWith(store), guardWith(store)];
    const once = await proof();
    const principal = await a.verify(bound(once));
    assert.equal(principal.dpop?.jkt, key.jkt);
    await assertRefused(b.verify(bound(once)), replayRefusal);
    await assertRefused(a.verify(bound(once)), replayRefusal);
    // A fresh proof still passes on either instance.
    assert.equal((await b.verify(bound(await proof()))).sub, principal.sub);
  });

  test('on Redis: the recorded key expires when the proof could no longer be fresh', async () => {
    const before = Date.now();
    const once = await proof();
    await guardWith(redisReplayStore(redis, prefix)).verify(bound(once));
    const keys = await redis.keys(`${prefix}${key.jkt}:*`);
    assert.ok(keys.length >= 1);
    const ttls = await Promise.all(keys.map((k) => redis.pexpiretime(k)));
    // iat window (60 s) + 2 × tolerance (5 s) from the proof's iat: about 70 s from now, never unbounded.
    for (const at of ttls) assert.ok(at > before + 60_000 && at <= before + 71_000, `expiry ${at - before} ms from now`);
  });

  test('of concurrent uses of one proof, exactly one is accepted', async () => {
    const store = redisReplayStore(redis, prefix);
    const guards = Array.from({ length: 4 }, () => guardWith(store));
    const once = await proof();
    const results = await Promise.allSettled(guards.map((g) => g.verify(bound(once))));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  });

  test('a store that fails refuses with 503 (fail closed), never accepts', async () => {
    const throwing = guardWith({ add: () => { throw new Error('connection refused'); } });
    const rejecting = guardWith({ add: () => Promise.reject(new Error('connection refused')) });
    for (const guard of [throwing, rejecting]) {
      await assert.rejects(guard.verify(bound(await proof())), (error: unknown) => {
        const e = error as { status?: number; code?: string; description?: string };
        assert.equal(e.status, 503);
        assert.equal(e.code, 'temporarily_unavailable');
        assert.equal(e.description, messages.replayStoreUnavailable);
        return true;
      });
    }
  });

  test('any answer but true refuses the proof', async () => {
    const odd = guardWith({ add: () => Promise.resolve(undefined as unknown as boolean) });
    await assertRefused(odd.verify(bound(await proof())), replayRefusal);
  });

  test('the store is not consulted for an invalid proof', async () => {
    let calls = 0;
    const guard = guardWith({ add: () => (calls++, true) });
    const wrongUrl = await dpopProof(key, { htm: 'GET', htu: 'http://api.test/mail', token });
    await assertRefused(guard.verify(bound(wrongUrl)), { status: 401, code: 'invalid_dpop_proof', description: messages.proofHtu, scheme: 'DPoP' });
    assert.equal(calls, 0);
  });

  test('a replayStore without add() is a configuration error', () => {
    assert.throws(() => createGuard({ issuer: issuer.url, audience: AUDIENCE, dpop: { replayStore: {} as DpopReplayStore } }), /replayStore/);
  });
});
