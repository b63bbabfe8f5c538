import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, generateKeyPair } from 'jose';
import { DIALECTS } from './helpers/databases.js';
import {
  startTestServer, CALENDAR, CONTACTS, SYNC_SECRET, CALENDAR_API_SECRET, CONTACTS_API_SECRET,
  basic, postForm, syncJobToken, type TestServer,
} from './helpers/server.js';

type Json = Record<string, unknown>;

for (const dialect of DIALECTS) {
  describe(`introspection and revocation (${dialect})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(dialect);
    });
    after(async () => {
      await server.stop();
    });

    const introspect = async (token: string, auth: string): Promise<Json> => {
      const res = await postForm(`${server.url}/introspect`, { token }, { authorization: auth });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      return (await res.json()) as Json;
    };
    const revoke = async (token: string, auth: string): Promise<Response> => postForm(`${server.url}/revoke`, { token }, { authorization: auth });

    for (const format of ['jwt', 'opaque'] as const) {
      const api = format === 'jwt' ? CALENDAR : CONTACTS;
      const apiAuth = format === 'jwt' ? basic('calendar-api', CALENDAR_API_SECRET) : basic('contacts-api', CONTACTS_API_SECRET);
      const otherApiAuth = format === 'jwt' ? basic('contacts-api', CONTACTS_API_SECRET) : basic('calendar-api', CALENDAR_API_SECRET);

      test(`the right API introspects a ${format} token as active with scope, client_id, sub, aud and exp`, async () => {
        const { access_token } = await syncJobToken(server, { resource: api });
        const result = await introspect(String(access_token), apiAuth);
        assert.equal(result.active, true);
        assert.equal(result.client_id, 'sync-job');
        assert.equal(result.sub, 'sync-job');
        assert.equal(result.aud, api);
        assert.ok(typeof result.scope === 'string' && result.scope.length > 0);
        assert.ok(typeof result.exp === 'number' && result.exp > Date.now() / 1000);
        assert.equal(result.iss, server.issuer);
      });

      test(`another API sees a ${format} token as inactive`, async () => {
        const { access_token } = await syncJobToken(server, { resource: api });
        assert.deepEqual(await introspect(String(access_token), otherApiAuth), { active: false });
      });

      test(`the client it was issued to may introspect a ${format} token, another client may not`, async () => {
        const { access_token } = await syncJobToken(server, { resource: api });
        assert.equal((await introspect(String(access_token), basic('sync-job', SYNC_SECRET))).active, true);
        const other = await postForm(`${server.url}/introspect`, { token: String(access_token), client_id: 'calendar-reader', client_secret: 'calendar-reader-secret-0123' });
        assert.deepEqual(await other.json(), { active: false });
      });

      test(`a revoked ${format} token introspects inactive at once`, async () => {
        const { access_token } = await syncJobToken(server, { resource: api });
        const res = await revoke(String(access_token), basic('sync-job', SYNC_SECRET));
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('cache-control'), 'no-store');
        assert.deepEqual(await introspect(String(access_token), apiAuth), { active: false });
      });

      test(`another client cannot revoke a ${format} token (200, token stays active)`, async () => {
        const { access_token } = await syncJobToken(server, { resource: api });
        const res = await postForm(`${server.url}/revoke`, { token: String(access_token), client_id: 'calendar-reader', client_secret: 'calendar-reader-secret-0123' });
        assert.equal(res.status, 200);
        assert.equal((await introspect(String(access_token), apiAuth)).active, true);
      });
    }

    test('revoking a JWT records its jti only then', async () => {
      const { access_token } = await syncJobToken(server, { resource: CALENDAR });
      const before = await server.store.db.kysely.selectFrom('revoked_jtis').selectAll().execute();
      await revoke(String(access_token), basic('sync-job', SYNC_SECRET));
      const after = await server.store.db.kysely.selectFrom('revoked_jtis').selectAll().execute();
      assert.equal(after.length, before.length + 1);
    });

    test('an unknown or garbage token gets 200 at revocation and inactive at introspection', async () => {
      assert.equal((await revoke('lk_at_unknown', basic('sync-job', SYNC_SECRET))).status, 200);
      assert.equal((await revoke('not-a-token', basic('sync-job', SYNC_SECRET))).status, 200);
      for (const garbage of ['garbage', 'a.b.c', 'lk_at_nothing', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.']) {
        assert.deepEqual(await introspect(garbage, basic('calendar-api', CALENDAR_API_SECRET)), { active: false });
      }
    });

    test('an expired access token introspects inactive', async () => {
      const { access_token } = await syncJobToken(server, { resource: CALENDAR });
      const signer = server.keys.signer('ES256');
      const { decodeJwt } = await import('jose');
      const claims = decodeJwt(String(access_token));
      const expired = await new SignJWT({ ...claims, iat: 1000, exp: 2000 }).setProtectedHeader({ alg: 'ES256', kid: signer.kid, typ: 'at+jwt' }).sign(signer.key);
      assert.deepEqual(await introspect(expired, basic('calendar-api', CALENDAR_API_SECRET)), { active: false });
    });

    test('an ID-token-shaped JWT signed by the server is not an active access token', async () => {
      const signer = server.keys.signer('RS256');
      const now = Math.floor(Date.now() / 1000);
      const idToken = await new SignJWT({ iss: server.issuer, sub: 'lk_usr_x', aud: CALENDAR, iat: now, exp: now + 600, nonce: 'n', auth_time: now })
        .setProtectedHeader({ alg: 'RS256', kid: signer.kid, typ: 'JWT' })
        .sign(signer.key);
      assert.deepEqual(await introspect(idToken, basic('calendar-api', CALENDAR_API_SECRET)), { active: false });
    });

    test('a token signed by a key the server does not publish is inactive', async () => {
      const { privateKey } = await generateKeyPair('ES256');
      const now = Math.floor(Date.now() / 1000);
      const forged = await new SignJWT({ iss: server.issuer, sub: 'sync-job', aud: CALENDAR, client_id: 'sync-job', jti: 'x', iat: now, exp: now + 600, scope: 'read:calendar' })
        .setProtectedHeader({ alg: 'ES256', kid: server.keys.signer('ES256').kid, typ: 'at+jwt' })
        .sign(privateKey);
      assert.deepEqual(await introspect(forged, basic('calendar-api', CALENDAR_API_SECRET)), { active: false });
    });

    test('introspection without credentials is invalid_client', async () => {
      const res = await postForm(`${server.url}/introspect`, { token: 'x' });
      assert.equal(res.status, 401);
      assert.equal(((await res.json()) as Json).error, 'invalid_client');
    });

    test('an API with a wrong secret is invalid_client', async () => {
      const res = await postForm(`${server.url}/introspect`, { token: 'x' }, { authorization: basic('calendar-api', 'wrong-secret-000000000') });
      assert.equal(res.status, 401);
      assert.match(String(res.headers.get('www-authenticate')), /^Basic/);
    });

    test('an API cannot use its introspection credentials to get tokens', async () => {
      const res = await postForm(`${server.url}/token`, { grant_type: 'client_credentials', resource: CALENDAR }, { authorization: basic('calendar-api', CALENDAR_API_SECRET) });
      assert.equal(res.status, 401);
      assert.equal(((await res.json()) as Json).error, 'invalid_client');
    });
  });
}
