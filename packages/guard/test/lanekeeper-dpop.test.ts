// DPoP-bound access tokens issued by a running Lanekeeper server (RFC 9449), a JWT checked
// locally and an opaque one checked by introspection: the guard accepts each only with the
// DPoP scheme and a proof by the bound key over this request and this token, and refuses it
// as Bearer, without a proof, without ath, with a wrong ath or with another key.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { createGuard, type Guard } from '../src/index.js';
import { messages } from '../src/lanes/index.js';
import { API_URL, assertRefused, request } from './helpers/assert.js';
import { dpopKey, dpopProof, type DpopKey } from './helpers/dpop.js';
import { CALENDAR, CONTACTS, CONTACTS_API_SECRET, startLanekeeper, SYNC_SECRET, type TestServer } from './helpers/lanekeeper.js';
import { basic, postForm } from '../../lanekeeper/test/helpers/server.js';

/** A client-credentials token of sync-job for `resource`, bound to `key` by a proof at the token endpoint. */
async function boundToken(server: TestServer, resource: string, key: DpopKey): Promise<string> {
  const tokenUrl = `${server.issuer}/token`;
  const proof = await dpopProof(key, { htm: 'POST', htu: tokenUrl, token: '', claims: { ath: undefined } });
  const response = await postForm(tokenUrl, { grant_type: 'client_credentials', resource }, { authorization: basic('sync-job', SYNC_SECRET), dpop: proof });
  const body = (await response.json()) as Record<string, unknown>;
  if (response.status !== 200 || typeof body['access_token'] !== 'string') throw new Error(`token request failed: ${response.status} ${JSON.stringify(body)}`);
  assert.equal(body['token_type'], 'DPoP');
  return body['access_token'];
}

describe('server-issued DPoP-bound access tokens at the guard', () => {
  let server: TestServer;
  let key: DpopKey;
  let other: DpopKey;
  const kinds: { guard: Guard; token: string; source: 'jwt' | 'introspection' }[] = [];

  before(async () => {
    server = await startLanekeeper();
    key = await dpopKey();
    other = await dpopKey();
    const jwt = await boundToken(server, CALENDAR, key);
    assert.deepEqual(decodeJwt(jwt).cnf, { jkt: key.jkt }, 'the JWT names the key it is bound to');
    const opaque = await boundToken(server, CONTACTS, key);
    assert.match(opaque, /^lk_at_/);
    kinds.push(
      { guard: createGuard({ issuer: server.issuer, audience: CALENDAR }), token: jwt, source: 'jwt' },
      {
        guard: createGuard({ issuer: server.issuer, audience: CONTACTS, introspection: { clientId: 'contacts-api', clientSecret: CONTACTS_API_SECRET } }),
        token: opaque,
        source: 'introspection',
      },
    );
  });
  after(async () => {
    await server?.stop();
  });

  const proof = (token: string, k: DpopKey = key, claims: Record<string, unknown> = {}) => dpopProof(k, { htm: 'GET', htu: API_URL, token, claims });
  const dpopRefusal = (description: string) => ({ status: 401, code: 'invalid_dpop_proof', description, scheme: 'DPoP' as const });

  for (const index of [0, 1]) {
    const label = index === 0 ? 'a JWT access token' : 'an opaque access token (introspection)';

    test(`${label}: accepted with the DPoP scheme and a proof by the bound key`, async () => {
      const { guard, token, source } = kinds[index]!;
      const principal = await guard.verify(request({ token, scheme: 'DPoP', dpop: await proof(token) }));
      assert.equal(principal.source, source);
      assert.deepEqual(principal.dpop, { jkt: key.jkt });
    });

    test(`${label}: refused as Bearer, with or without a proof, with a DPoP challenge`, async () => {
      const { guard, token } = kinds[index]!;
      const asBearer = { status: 401, code: 'invalid_token', description: messages.boundTokenAsBearer, scheme: 'DPoP' as const };
      await assertRefused(guard.verify(request({ token })), asBearer, token);
      await assertRefused(guard.verify(request({ token, dpop: await proof(token) })), asBearer, token);
    });

    test(`${label}: refused with the DPoP scheme but no proof, no ath, a wrong ath or another key`, async () => {
      const { guard, token } = kinds[index]!;
      await assertRefused(guard.verify(request({ token, scheme: 'DPoP' })), dpopRefusal(messages.missingProof), token);
      await assertRefused(guard.verify(request({ token, scheme: 'DPoP', dpop: await proof(token, key, { ath: undefined }) })), dpopRefusal(messages.proofAth), token);
      await assertRefused(guard.verify(request({ token, scheme: 'DPoP', dpop: await proof('another-token') })), dpopRefusal(messages.proofAth), token);
      await assertRefused(guard.verify(request({ token, scheme: 'DPoP', dpop: await proof(token, other) })), dpopRefusal(messages.proofKeyMismatch), token);
    });
  }
});
