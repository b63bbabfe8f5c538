import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import * as oauth from 'oauth4webapi';
import { createRemoteJWKSet, jwtVerify, decodeProtectedHeader, decodeJwt } from 'jose';
import { DIALECTS } from './helpers/databases.js';
import { startTestServer, baseConfig, CALENDAR, CONTACTS, REPORTS, SYNC_SECRET, basic, postForm, syncJobToken, type TestServer } from './helpers/server.js';

const LEDGER = 'https://ledger.example.com';
const REPORT_SECRET = 'report-job-secret-0123456789';

for (const dialect of DIALECTS) {
  describe(`client credentials (${dialect})`, () => {
    let server: TestServer;
    before(async () => {
      const config = baseConfig();
      (config.apis as unknown[]).push({ identifier: LEDGER, name: 'Ledger API', scopes: { 'read:ledger': 'Read the ledger' }, signing_alg: 'EdDSA' });
      (config.clients as unknown[]).push({ client_id: 'report-job', client_secret: REPORT_SECRET, grant_types: ['client_credentials'], apis: { [REPORTS]: ['read:reports'], [LEDGER]: ['read:ledger'] } });
      server = await startTestServer(dialect, config);
    });
    after(async () => {
      await server.stop();
    });

    test('openid-client obtains a token that oauth4webapi and jose accept as an RFC 9068 access token', async () => {
      const config = await client.discovery(new URL(server.issuer), 'sync-job', SYNC_SECRET, client.ClientSecretBasic(SYNC_SECRET), {
        execute: [client.allowInsecureRequests],
      });
      const tokens = await client.clientCredentialsGrant(config, { scope: 'read:calendar', resource: CALENDAR });
      assert.equal(tokens.token_type.toLowerCase(), 'bearer');
      assert.equal(tokens.scope, 'read:calendar');
      assert.ok(tokens.expires_in! > 0 && tokens.expires_in! <= 600);

      const as = await oauth
        .discoveryRequest(new URL(server.issuer), { [oauth.allowInsecureRequests]: true })
        .then((r) => oauth.processDiscoveryResponse(new URL(server.issuer), r));
      const request = new Request(`${CALENDAR}/entries`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      const claims = await oauth.validateJwtAccessToken(as, request, CALENDAR, { [oauth.allowInsecureRequests]: true });
      assert.equal(claims.sub, 'sync-job');
      assert.equal(claims.client_id, 'sync-job');
      assert.equal(claims.iss, server.issuer);

      const jwks = createRemoteJWKSet(new URL(`${server.issuer}/jwks`));
      const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, { issuer: server.issuer, audience: CALENDAR, typ: 'at+jwt' });
      assert.equal(protectedHeader.typ, 'at+jwt');
      assert.equal(protectedHeader.alg, 'ES256');
      assert.ok(typeof protectedHeader.kid === 'string');
      for (const claim of ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti', 'scope']) assert.ok(claim in payload, `missing ${claim}`);
      assert.equal(payload.aud, CALENDAR);
    });

    test("each API's signing_alg signs its tokens (RS256, EdDSA), and the JWKS verifies them as at+jwt", async () => {
      const jwks = createRemoteJWKSet(new URL(`${server.issuer}/jwks`));
      for (const [api, alg] of [[REPORTS, 'RS256'], [LEDGER, 'EdDSA']] as const) {
        const res = await postForm(`${server.url}/token`, { grant_type: 'client_credentials', resource: api }, { authorization: basic('report-job', REPORT_SECRET) });
        assert.equal(res.status, 200);
        const { access_token } = (await res.json()) as { access_token: string };
        const { payload, protectedHeader } = await jwtVerify(access_token, jwks, { issuer: server.issuer, audience: api, typ: 'at+jwt', algorithms: [alg] });
        assert.equal(protectedHeader.alg, alg);
        assert.equal(payload.client_id, 'report-job');
      }
    });

    test('the audience parameter names the API like resource does', async () => {
      const body = await syncJobToken(server, { audience: CALENDAR, scope: 'write:calendar' });
      assert.equal(decodeJwt(String(body.access_token)).aud, CALENDAR);
      assert.equal(body.scope, 'write:calendar');
    });

    test('no scope requested grants every scope the client may use at that API', async () => {
      const body = await syncJobToken(server, { resource: CALENDAR });
      assert.equal(body.scope, 'read:calendar write:calendar');
    });

    test('a client with exactly one API may omit resource', async () => {
      const res = await postForm(`${server.url}/token`, { grant_type: 'client_credentials', client_id: 'calendar-reader', client_secret: 'calendar-reader-secret-0123' });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { access_token: string };
      assert.equal(decodeJwt(body.access_token).aud, CALENDAR);
    });

    test('a client with several APIs and no default must name one', async () => {
      const res = await postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { authorization: basic('sync-job', SYNC_SECRET) });
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_target');
    });

    test('an API the client may not use is invalid_target', async () => {
      const res = await postForm(`${server.url}/token`, { grant_type: 'client_credentials', resource: REPORTS }, { authorization: basic('sync-job', SYNC_SECRET) });
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_target');
    });

    test('an unknown API is invalid_target', async () => {
      const res = await postForm(`${server.url}/token`, { grant_type: 'client_credentials', resource: 'https://unknown.example.com' }, { authorization: basic('sync-job', SYNC_SECRET) });
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_target');
    });

    test('two different APIs in one token request is invalid_target', async () => {
      const res = await postForm(`${server.url}/token`, { grant_type: 'client_credentials', resource: [CALENDAR, CONTACTS] }, { authorization: basic('sync-job', SYNC_SECRET) });
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_target');
    });

    test('resource and audience naming different APIs is invalid_target', async () => {
      const res = await postForm(`${server.url}/token`, { grant_type: 'client_credentials', resource: CALENDAR, audience: CONTACTS }, { authorization: basic('sync-job', SYNC_SECRET) });
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_target');
    });

    test('a scope the client may not use is invalid_scope', async () => {
      const res = await postForm(`${server.url}/token`, { grant_type: 'client_credentials', resource: CALENDAR, scope: 'read:calendar admin:calendar' }, { authorization: basic('sync-job', SYNC_SECRET) });
      assert.equal(res.status, 400);
      const body = (await res.json()) as { error: string; error_description: string };
      assert.equal(body.error, 'invalid_scope');
      assert.match(body.error_description, /admin:calendar/);
    });

    test('a scope the API does not define is invalid_scope', async () => {
      const res = await postForm(`${server.url}/token`, { grant_type: 'client_credentials', resource: CALENDAR, scope: 'openid' }, { authorization: basic('sync-job', SYNC_SECRET) });
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_scope');
    });

    test('an opaque-format API gets a prefixed opaque token that is not a JWT', async () => {
      const body = await syncJobToken(server, { resource: CONTACTS });
      const token = String(body.access_token);
      assert.match(token, /^lk_at_[A-Za-z0-9_-]{43}$/);
      assert.throws(() => decodeProtectedHeader(token));
      assert.equal(body.expires_in, 300);
    });

    test('every token response, success or error, has Cache-Control: no-store', async () => {
      const ok = await postForm(`${server.url}/token`, { grant_type: 'client_credentials', resource: CALENDAR }, { authorization: basic('sync-job', SYNC_SECRET) });
      assert.equal(ok.headers.get('cache-control'), 'no-store');
      const bad = await postForm(`${server.url}/token`, { grant_type: 'client_credentials', resource: 'x:y' }, { authorization: basic('sync-job', SYNC_SECRET) });
      assert.equal(bad.headers.get('cache-control'), 'no-store');
    });

    test('the opaque token is stored only as a hash', async () => {
      const body = await syncJobToken(server, { resource: CONTACTS });
      const rows = await server.store.db.kysely.selectFrom('opaque_tokens').selectAll().execute();
      assert.ok(rows.length > 0);
      for (const row of rows) assert.ok(!JSON.stringify(row).includes(String(body.access_token)));
    });

    test('issuing a JWT access token writes nothing to the store', async () => {
      const count = async () =>
        (await server.store.db.kysely.selectFrom('grants').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
      const before = Number(await count());
      await syncJobToken(server, { resource: CALENDAR });
      assert.equal(Number(await count()), before);
    });
  });
}
