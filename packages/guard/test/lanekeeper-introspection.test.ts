// Opaque access tokens from a real Lanekeeper server, checked by introspection: accepted
// while active, refused within the cache TTL once revoked, and never accepted while the
// server cannot answer (503).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createGuard, type Guard } from '../src/index.js';
import { messages } from '../src/lanes/index.js';
import { assertRefused, request } from './helpers/assert.js';
import { TestClock } from './helpers/clock.js';
import { CONTACTS, CONTACTS_API_SECRET, machineToken, revoke, startLanekeeper, SYNC_SECRET, type TestServer } from './helpers/lanekeeper.js';

const CACHE_TTL = 1;

describe('opaque Lanekeeper access tokens through introspection', () => {
  let server: TestServer;
  let stopped = false;
  let guard: Guard;
  const clock = new TestClock();

  before(async () => {
    server = await startLanekeeper();
    guard = createGuard({
      issuer: server.issuer,
      audience: CONTACTS,
      introspection: { clientId: 'contacts-api', clientSecret: CONTACTS_API_SECRET, cacheTtl: CACHE_TTL },
      now: clock.now,
      timeout: 2,
    });
  });
  after(async () => {
    if (!stopped) await server.stop();
  });

  test('accepts an opaque access token the server vouches for', async () => {
    const token = await machineToken(server, CONTACTS);
    assert.match(token, /^lk_at_/);
    const principal = await guard.verify(request({ token }));
    assert.equal(principal.source, 'introspection');
    assert.equal(principal.sub, 'sync-job');
    assert.equal(principal.clientId, 'sync-job');
    assert.deepEqual(principal.scopes, ['read:contacts']);
  });

  test('refuses an opaque token revoked at the server once the cache TTL has passed', async () => {
    const token = await machineToken(server, CONTACTS);
    await guard.verify(request({ token }));
    await revoke(server, token, { id: 'sync-job', secret: SYNC_SECRET });
    const before = guard.stats().introspectionRequests;
    clock.advance(CACHE_TTL);
    await assertRefused(guard.verify(request({ token })), { status: 401, code: 'invalid_token', description: messages.inactive }, token);
    assert.equal(guard.stats().introspectionRequests, before + 1, 'the server was asked again');
  });

  test('refuses at once an opaque token revoked before the guard first saw it', async () => {
    const token = await machineToken(server, CONTACTS);
    await revoke(server, token, { id: 'sync-job', secret: SYNC_SECRET });
    await assertRefused(guard.verify(request({ token })), { status: 401, code: 'invalid_token', description: messages.inactive }, token);
  });

  test('answers 503 while the server is down, for new tokens and for tokens whose answer went stale; never accepts', async () => {
    const known = await machineToken(server, CONTACTS);
    await guard.verify(request({ token: known }));
    const unseen = await machineToken(server, CONTACTS);
    await server.stop();
    stopped = true;
    const unavailable = { status: 503, code: 'temporarily_unavailable', description: messages.introspectionUnavailable } as const;
    await assertRefused(guard.verify(request({ token: unseen })), unavailable, unseen);
    clock.advance(CACHE_TTL);
    await assertRefused(guard.verify(request({ token: known })), unavailable, known);
  });
});
