import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createGuard, type Guard } from '../src/index.js';
import { messages } from '../src/lanes/index.js';
import { TestIssuer } from './helpers/issuer.js';
import { TestClock } from './helpers/clock.js';
import { dpopKey, dpopProof, type DpopKey } from './helpers/dpop.js';
import { API_URL, assertRefused, request } from './helpers/assert.js';

const AUDIENCE = 'https://calendar.example.com';

describe('guard: DPoP-bound access tokens (RFC 9449)', () => {
  let issuer: TestIssuer;
  let guard: Guard;
  let key: DpopKey;
  let token: string;
  const clock = new TestClock();
  const dpopRefusal = (description: string) => ({ status: 401, code: 'invalid_dpop_proof', description, scheme: 'DPoP' as const });

  before(async () => {
    issuer = await TestIssuer.start();
    guard = createGuard({ issuer: issuer.url, audience: AUDIENCE, now: clock.now });
    key = await dpopKey();
    token = await issuer.accessToken(AUDIENCE, { claims: { cnf: { jkt: key.jkt } } });
  });
  after(() => issuer.close());

  const proof = (options: Partial<Parameters<typeof dpopProof>[1]> = {}, k = key) =>
    dpopProof(k, { htm: 'GET', htu: API_URL, token, ...options });

  test('accepts a bound token with a valid proof and returns the key thumbprint', async () => {
    const principal = await guard.verify(request({ token, scheme: 'DPoP', dpop: await proof() }));
    assert.deepEqual(principal.dpop, { jkt: key.jkt });
  });

  test('checks the proof on every request, even when the token is cached', async () => {
    const before = guard.stats().tokenCacheHits;
    await guard.verify(request({ token, scheme: 'DPoP', dpop: await proof() }));
    assert.equal(guard.stats().tokenCacheHits, before + 1);
    await assertRefused(guard.verify(request({ token, scheme: 'DPoP' })), dpopRefusal(messages.missingProof), token);
  });

  test('ignores the query when matching htu', async () => {
    const principal = await guard.verify(request({ token, scheme: 'DPoP', url: `${API_URL}?from=2025-01-01`, dpop: await proof() }));
    assert.equal(principal.dpop?.jkt, key.jkt);
  });

  test('refuses a bound token sent as Bearer, with a DPoP challenge', async () => {
    const error = await assertRefused(
      guard.verify(request({ token, dpop: await proof() })),
      { status: 401, code: 'invalid_token', description: messages.boundTokenAsBearer, scheme: 'DPoP' },
      token,
    );
    assert.match(error.wwwAuthenticate ?? '', /^DPoP algs="RS256 [^"]*ES256[^"]*", error="invalid_token"/);
  });

  test('refuses the DPoP scheme with an unbound token', async () => {
    const unbound = await issuer.accessToken(AUDIENCE);
    await assertRefused(
      guard.verify(request({ token: unbound, scheme: 'DPoP', dpop: await proof({ token: unbound }) })),
      { status: 401, code: 'invalid_token', description: messages.dpopSchemeUnbound, scheme: 'DPoP' },
      unbound,
    );
  });

  test('refuses a proof for another URL (htu)', async () => {
    await assertRefused(guard.verify(request({ token, scheme: 'DPoP', dpop: await proof({ htu: 'http://api.test/mail' }) })), dpopRefusal(messages.proofHtu));
  });

  test('refuses a proof for another method (htm)', async () => {
    await assertRefused(guard.verify(request({ token, scheme: 'DPoP', dpop: await proof({ htm: 'POST' }) })), dpopRefusal(messages.proofHtm));
  });

  test('refuses a replayed proof (same jti)', async () => {
    const once = await proof();
    await guard.verify(request({ token, scheme: 'DPoP', dpop: once }));
    await assertRefused(guard.verify(request({ token, scheme: 'DPoP', dpop: once })), dpopRefusal(messages.proofReplay));
  });

  test('refuses a proof whose ath is the hash of another token', async () => {
    await assertRefused(guard.verify(request({ token, scheme: 'DPoP', dpop: await proof({ token: 'some-other-token' }) })), dpopRefusal(messages.proofAth));
  });

  test('refuses a proof without ath', async () => {
    await assertRefused(guard.verify(request({ token, scheme: 'DPoP', dpop: await proof({ claims: { ath: undefined } }) })), dpopRefusal(messages.proofAth));
  });

  test('refuses a proof made with another key (thumbprint mismatch)', async () => {
    const other = await dpopKey();
    await assertRefused(guard.verify(request({ token, scheme: 'DPoP', dpop: await proof({}, other) })), dpopRefusal(messages.proofKeyMismatch));
  });

  test('refuses a proof whose jwk holds the private key', async () => {
    const leaky = await proof({ header: { jwk: key.privateJwk } });
    await assertRefused(guard.verify(request({ token, scheme: 'DPoP', dpop: leaky })), dpopRefusal(messages.proofPrivateKey));
  });

  test('refuses a proof that is too old or from the future', async () => {
    const now = Math.floor(Date.now() / 1000);
    await assertRefused(guard.verify(request({ token, scheme: 'DPoP', dpop: await proof({ claims: { iat: now - 120 } }) })), dpopRefusal(messages.proofIat));
    await assertRefused(guard.verify(request({ token, scheme: 'DPoP', dpop: await proof({ claims: { iat: now + 60 } }) })), dpopRefusal(messages.proofIat));
  });

  test('refuses a proof with the wrong typ', async () => {
    await assertRefused(guard.verify(request({ token, scheme: 'DPoP', dpop: await proof({ header: { typ: 'JWT' } }) })), dpopRefusal(messages.proofTyp));
  });

  test('refuses a proof whose signature does not verify', async () => {
    const good = await proof();
    const [h, p] = good.split('.');
    const forged = `${h}.${p}.${(await proof()).split('.')[2]}`;
    await assertRefused(guard.verify(request({ token, scheme: 'DPoP', dpop: forged })), dpopRefusal(messages.proofSignature));
  });

  test('refuses two proofs', async () => {
    const headers = new Headers({ authorization: `DPoP ${token}` });
    headers.append('dpop', await proof());
    headers.append('dpop', await proof());
    await assertRefused(guard.verify(new Request(API_URL, { headers })), dpopRefusal(messages.multipleProofs));
  });

  test('rebuilds the URL of a Node-style request from Host, or from publicOrigin behind a proxy', async () => {
    const nodeRequest = async (htu: string) => ({
      method: 'GET',
      url: '/calendar?x=1',
      headers: { authorization: `DPoP ${token}`, host: 'internal:8080', dpop: await proof({ htu }) },
    });
    assert.equal((await guard.verify(await nodeRequest('http://internal:8080/calendar'))).dpop?.jkt, key.jkt);
    const proxied = createGuard({ issuer: issuer.url, audience: AUDIENCE, publicOrigin: 'https://calendar.example.com' });
    assert.equal((await proxied.verify(await nodeRequest('https://calendar.example.com/calendar'))).dpop?.jkt, key.jkt);
    await assertRefused(proxied.verify(await nodeRequest('http://internal:8080/calendar')), dpopRefusal(messages.proofHtu));
  });
});

describe('guard: the in-memory DPoP replay store forgets a proof only once it has expired', () => {
  let issuer: TestIssuer;
  let key: DpopKey;
  let token: string;
  before(async () => {
    issuer = await TestIssuer.start();
    key = await dpopKey();
    token = await issuer.accessToken(AUDIENCE, { claims: { cnf: { jkt: key.jkt }, exp: Math.floor(Date.now() / 1000) + 3600 } });
  });
  after(() => issuer.close());

  // iat window 60 s, tolerance 5 s: a proof is remembered until iat + 70 s.
  const setup = (replayCacheSize: number) => {
    const clock = new TestClock();
    const guard = createGuard({ issuer: issuer.url, audience: AUDIENCE, now: clock.now, dpop: { replayCacheSize, iatWindow: 60 }, clockTolerance: 5 });
    const proofAt = (iat: number) => dpopProof(key, { htm: 'GET', htu: API_URL, token, claims: { iat } });
    const send = (dpop: string) => guard.verify(request({ token, scheme: 'DPoP', dpop }));
    const nowSec = () => Math.floor(clock.now() / 1000);
    return { clock, proofAt, send, nowSec };
  };
  const full = { status: 503, code: 'temporarily_unavailable', description: messages.replayCacheFull };

  test('when full of fresh proofs it refuses a new one (503) rather than forget one, which could then be replayed', async () => {
    const { clock, proofAt, send, nowSec } = setup(3);
    const proofs = [await proofAt(nowSec()), await proofAt(nowSec()), await proofAt(nowSec())];
    for (const p of proofs) await send(p);
    await assertRefused(send(await proofAt(nowSec())), full);
    for (const p of proofs) await assertRefused(send(p), { status: 401, code: 'invalid_dpop_proof', description: messages.proofReplay, scheme: 'DPoP' });
    clock.advance(71);
    assert.equal((await send(await proofAt(nowSec()))).dpop?.jkt, key.jkt, 'room again once the first proofs expired');
  });

  test('a full store finds expired proofs behind fresh ones', async () => {
    const { clock, proofAt, send, nowSec } = setup(2);
    await send(await proofAt(nowSec())); // remembered until now + 70
    await send(await proofAt(nowSec() - 55)); // until now + 15: after the first, yet it expires first
    clock.advance(16);
    assert.equal((await send(await proofAt(nowSec()))).dpop?.jkt, key.jkt);
    await assertRefused(send(await proofAt(nowSec())), full);
  });
});
