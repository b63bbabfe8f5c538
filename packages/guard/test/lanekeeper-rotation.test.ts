// Key rotation at a real Lanekeeper server, seen by a guard that is never restarted: old
// tokens pass until their key leaves the JWKS, new ones pass as soon as they are issued,
// and a flood of unknown kids costs at most one JWKS fetch per cooldown.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProtectedHeader } from 'jose';
import { createGuard, type Guard } from '../src/index.js';
import { messages } from '../src/lanes/index.js';
import { assertRefused, request } from './helpers/assert.js';
import { TestClock } from './helpers/clock.js';
import { CALENDAR, machineToken, startLanekeeper, strangerCopy, type TestServer } from './helpers/lanekeeper.js';

const COOLDOWN = 2;
/** Lanekeeper serves its JWKS with max-age=300. */
const JWKS_MAX_AGE = 300;

describe('key rotation at a running Lanekeeper server', () => {
  let server: TestServer;
  let guard: Guard;
  const clock = new TestClock();
  /** JWKS requests that reached the network. */
  let jwksRequests = 0;

  const kidOf = (token: string) => decodeProtectedHeader(token).kid as string;
  const accepts = async (token: string) => assert.equal((await guard.verify(request({ token }))).sub, 'sync-job');
  const refusesAsUnknownKid = (token: string) =>
    assertRefused(guard.verify(request({ token })), { status: 401, code: 'invalid_token', description: messages.unknownKid }, token);

  before(async () => {
    server = await startLanekeeper();
    guard = createGuard({
      issuer: server.issuer,
      audience: CALENDAR,
      jwks: { cooldown: COOLDOWN },
      now: clock.now,
      fetch: (url, init) => {
        if (new URL(url).pathname.endsWith('/jwks')) jwksRequests++;
        return fetch(url, init);
      },
    });
  });
  after(() => server.stop());

  // The steps build on each other, in order.
  let oldToken: string;
  let secondToken: string;
  let thirdToken: string;

  test('accepts a token signed by the current key', async () => {
    oldToken = await machineToken(server, CALENDAR);
    await accepts(oldToken);
    assert.equal(jwksRequests, 1);
  });

  test('after a rotation, accepts tokens of the new key without a refetch (it was published as next) and keeps accepting the old ones', async () => {
    await server.keys.rotate(['ES256']);
    secondToken = await machineToken(server, CALENDAR);
    assert.notEqual(kidOf(secondToken), kidOf(oldToken));
    await accepts(secondToken);
    await accepts(oldToken);
    assert.equal(jwksRequests, 1);
  });

  test('after a second rotation, fetches the JWKS once for the key it has not seen, then accepts all three tokens', async () => {
    await server.keys.rotate(['ES256']);
    thirdToken = await machineToken(server, CALENDAR);
    clock.advance(COOLDOWN);
    await accepts(thirdToken);
    assert.equal(jwksRequests, 2);
    await accepts(oldToken);
    await accepts(secondToken);
    assert.equal(jwksRequests, 2);
  });

  test('refuses the old tokens once their key is retired from the JWKS, and keeps accepting the others', async () => {
    await server.store.db.kysely.updateTable('signing_keys').set({ publish_until: 1 }).where('kid', '=', kidOf(oldToken)).execute();
    await server.keys.refresh();
    const published = ((await (await fetch(`${server.url}/jwks`)).json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid);
    assert.ok(!published.includes(kidOf(oldToken)), 'the server no longer publishes the old key');

    // Until the guard's copy of the JWKS goes stale, the old key is still in hand...
    await accepts(oldToken);
    // ...and once it does, the refetch drops it, cached verifications included.
    clock.advance(JWKS_MAX_AGE);
    await refusesAsUnknownKid(oldToken);
    await accepts(secondToken);
    await accepts(thirdToken);
    assert.equal(jwksRequests, 3);
  });

  test('a flood of tokens with unknown kids causes at most one JWKS fetch per cooldown', async () => {
    clock.advance(COOLDOWN);
    const before = jwksRequests;
    const flood = await Promise.all(Array.from({ length: 40 }, () => strangerCopy(thirdToken)));
    await Promise.all(flood.map(refusesAsUnknownKid));
    assert.equal(jwksRequests, before + 1, 'one fetch for the whole flood');

    const second = await Promise.all(Array.from({ length: 40 }, () => strangerCopy(thirdToken)));
    await Promise.all(second.map(refusesAsUnknownKid));
    assert.equal(jwksRequests, before + 1, 'no fetch within the cooldown');

    clock.advance(COOLDOWN);
    await Promise.all(second.map(refusesAsUnknownKid));
    assert.equal(jwksRequests, before + 2, 'one more fetch after the cooldown');
    await accepts(thirdToken);
  });
});
