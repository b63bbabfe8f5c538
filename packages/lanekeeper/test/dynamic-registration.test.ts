import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { startTestServer, postForm, CALENDAR, baseConfig, type TestServer } from './helpers/server.js';
import { ALICE, browserConfig } from './helpers/users.js';
import { authorizationFlow, CookieJar } from './helpers/browser-flow.js';

type Json = Record<string, unknown>;
const INITIAL_TOKEN = 'initial-access-token-0123456789';
const KEY = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' };

function dcrConfig(extra: Json = {}): Record<string, unknown> {
  return { ...browserConfig(), dynamic_registration: { enabled: true, apis: { [CALENDAR]: ['read:calendar', 'write:calendar'] }, ...extra } };
}

async function register(server: TestServer, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(`${server.issuer}/register`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: res.status === 204 ? {} : ((await res.json()) as Json), headers: res.headers };
}

describe('dynamic client registration (RFC 7591, RFC 7592)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('sqlite', dcrConfig({ rate_limit: { per_ip: 100 } }));
  });
  after(async () => {
    await server?.stop();
  });

  test('is off by default: no endpoint, nothing advertised', async () => {
    const plain = await startTestServer('sqlite', baseConfig());
    try {
      assert.equal((await register(plain, { redirect_uris: ['https://app.example/cb'] })).status, 404);
      const meta = (await (await fetch(`${plain.issuer}/.well-known/openid-configuration`)).json()) as Json;
      assert.equal(meta.registration_endpoint, undefined);
    } finally {
      await plain.stop();
    }
  });

  test('when on, both metadata documents advertise registration_endpoint', async () => {
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const meta = (await (await fetch(`${server.issuer}${path}`)).json()) as Json;
      assert.equal(meta.registration_endpoint, `${server.issuer}/register`, path);
    }
  });

  test('a request without token_endpoint_auth_method registers a public client; the response says "none"', async () => {
    const { status, body, headers } = await register(server, { client_name: 'Some MCP client', redirect_uris: ['http://127.0.0.1:33418/callback'] });
    assert.equal(status, 201, JSON.stringify(body));
    assert.equal(headers.get('cache-control'), 'no-store');
    assert.match(String(body.client_id), /^dcr_[A-Za-z0-9_-]{22}$/);
    assert.equal(body.token_endpoint_auth_method, 'none');
    assert.equal(body.client_secret, undefined);
    assert.deepEqual(body.grant_types, ['authorization_code']);
    assert.deepEqual(body.response_types, ['code']);
    assert.equal(body.application_type, 'web');
    assert.match(String(body.registration_access_token), /^lk_rat_[A-Za-z0-9_-]{43}$/);
    assert.equal(body.registration_client_uri, `${server.issuer}/register/${body.client_id}`);
  });

  test('a request for a secret-based method is registered as public too, and gets no secret', async () => {
    for (const method of ['client_secret_basic', 'client_secret_post']) {
      const { status, body } = await register(server, { token_endpoint_auth_method: method, redirect_uris: ['https://app.example/cb'], grant_types: ['authorization_code', 'refresh_token'] });
      assert.equal(status, 201);
      assert.equal(body.token_endpoint_auth_method, 'none', method);
      assert.equal(body.client_secret, undefined);
      assert.deepEqual(body.grant_types, ['authorization_code', 'refresh_token']);
    }
  });

  test('private_key_jwt with keys is honoured; without keys, or with jwks_uri, it is refused', async () => {
    const ok = await register(server, { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [KEY] }, redirect_uris: ['https://app.example/cb'] });
    assert.equal(ok.status, 201);
    assert.equal(ok.body.token_endpoint_auth_method, 'private_key_jwt');
    const noKeys = await register(server, { token_endpoint_auth_method: 'private_key_jwt', redirect_uris: ['https://app.example/cb'] });
    assert.equal(noKeys.status, 400);
    assert.equal(noKeys.body.error, 'invalid_client_metadata');
    const uri = await register(server, { token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://app.example/jwks', redirect_uris: ['https://app.example/cb'] });
    assert.equal(uri.status, 400);
    assert.match(String(uri.body.error_description), /jwks_uri is not accepted/);
  });

  test('registered clients never get client_credentials', async () => {
    const { status, body } = await register(server, { grant_types: ['client_credentials'], redirect_uris: ['https://app.example/cb'] });
    assert.equal(status, 400);
    assert.equal(body.error, 'invalid_client_metadata');
    assert.match(String(body.error_description), /authorization_code and refresh_token only/);
  });

  test('redirect URIs: https or loopback http for web apps; private-use schemes for native apps only', async () => {
    const bad: [unknown, RegExp][] = [
      [{ redirect_uris: ['http://app.example/cb'] }, /not loopback/],
      [{ redirect_uris: ['com.example.app:/cb'] }, /only native apps/],
      [{ redirect_uris: ['javascript:alert(1)'] }, /scheme that is not allowed/],
      [{ redirect_uris: ['https://app.example/cb#frag'] }, /fragment/],
      [{ redirect_uris: [] }, /redirect_uris is required/],
    ];
    for (const [body, reason] of bad) {
      const res = await register(server, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error, 'invalid_redirect_uri');
      assert.match(String(res.body.error_description), reason);
    }
    const native = await register(server, { application_type: 'native', redirect_uris: ['com.example.app:/cb', 'http://127.0.0.1/cb'] });
    assert.equal(native.status, 201);
    assert.equal(native.body.application_type, 'native');
  });

  test('JSON only, and malformed JSON is a clear 400', async () => {
    const form = await postForm(`${server.issuer}/register`, { redirect_uris: 'https://app.example/cb' });
    assert.equal(form.status, 400);
    assert.equal(((await form.json()) as Json).error, 'invalid_request');
    const broken = await fetch(`${server.issuer}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"redirect_uris":' });
    assert.equal(broken.status, 400);
  });

  test('a registered client signs a person in for the policy\'s scopes; its loopback port is fixed unless it is native', async () => {
    const web = await register(server, { client_name: 'Web MCP client', redirect_uris: ['http://127.0.0.1:40001/callback'], grant_types: ['authorization_code', 'refresh_token'] });
    const clientId = String(web.body.client_id);
    const jar = new CookieJar();
    const flow = await authorizationFlow(server, { clientId, redirectUri: 'http://127.0.0.1:40001/callback', scope: 'openid offline_access read:calendar', resource: CALENDAR, login: ALICE, consent: 'allow', jar });
    const res = await postForm(`${server.url}/token`, { grant_type: 'authorization_code', code: flow.code!, code_verifier: flow.verifier, redirect_uri: 'http://127.0.0.1:40001/callback', client_id: clientId });
    const tokens = (await res.json()) as Json;
    assert.equal(res.status, 200, JSON.stringify(tokens));
    assert.equal(decodeJwt(String(tokens.access_token)).client_id, clientId);
    assert.ok(tokens.refresh_token);

    const otherPort = await fetch(`${server.issuer}/authorize?response_type=code&client_id=${clientId}&redirect_uri=${encodeURIComponent('http://127.0.0.1:40002/callback')}`, { redirect: 'manual' });
    assert.equal(otherPort.status, 400, 'a web client\'s redirect URI matches exactly');

    const native = await register(server, { application_type: 'native', redirect_uris: ['http://127.0.0.1/callback'] });
    const nativeFlow = await authorizationFlow(server, { clientId: String(native.body.client_id), redirectUri: 'http://127.0.0.1:51234/callback', scope: 'read:calendar', resource: CALENDAR, consent: 'allow', jar });
    assert.ok(nativeFlow.code, 'a native client\'s loopback redirect may use any port (RFC 8252)');

    const tooMuch = await authorizationFlow(server, { clientId, redirectUri: 'http://127.0.0.1:40001/callback', scope: 'admin:calendar', resource: CALENDAR, jar });
    assert.equal(tooMuch.redirect.searchParams.get('error'), 'invalid_scope', 'scopes beyond the registration policy are refused');
  });

  test('RFC 7592: the registration access token reads and deletes the registration; deleting revokes its grants', async () => {
    const reg = await register(server, { client_name: 'Short-lived', redirect_uris: ['http://127.0.0.1:40003/callback'], grant_types: ['authorization_code', 'refresh_token'] });
    const clientId = String(reg.body.client_id);
    const rat = String(reg.body.registration_access_token);
    const uri = String(reg.body.registration_client_uri);

    const read = await fetch(uri, { headers: { authorization: `Bearer ${rat}` } });
    assert.equal(read.status, 200);
    const described = (await read.json()) as Json;
    assert.equal(described.client_id, clientId);
    assert.equal(described.client_name, 'Short-lived');
    assert.equal(described.registration_access_token, undefined);

    for (const auth of [undefined, 'Bearer lk_rat_wrong', `Bearer ${rat}x`]) {
      const res = await fetch(uri, { headers: auth ? { authorization: auth } : {} });
      assert.equal(res.status, 401, String(auth));
      assert.match(String(res.headers.get('www-authenticate')), /^Bearer/);
    }
    const other = await register(server, { redirect_uris: ['https://app.example/cb'] });
    assert.equal((await fetch(uri, { headers: { authorization: `Bearer ${String(other.body.registration_access_token)}` } })).status, 401, 'one client\'s token does not open another\'s registration');

    const flow = await authorizationFlow(server, { clientId, redirectUri: 'http://127.0.0.1:40003/callback', scope: 'offline_access read:calendar', resource: CALENDAR, login: ALICE, consent: 'allow' });
    const tokens = (await (await postForm(`${server.url}/token`, { grant_type: 'authorization_code', code: flow.code!, code_verifier: flow.verifier, redirect_uri: 'http://127.0.0.1:40003/callback', client_id: clientId })).json()) as Json;
    assert.ok(tokens.refresh_token);

    const deleted = await fetch(uri, { method: 'DELETE', headers: { authorization: `Bearer ${rat}` } });
    assert.equal(deleted.status, 204);
    assert.equal((await fetch(uri, { headers: { authorization: `Bearer ${rat}` } })).status, 401);
    const refresh = await postForm(`${server.url}/token`, { grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token), client_id: clientId });
    assert.equal(refresh.status, 401, 'the client is gone');
    const grants = await server.store.grants.list({ clientId });
    assert.ok(grants.length > 0 && grants.every((g) => g.revoked_at !== null), 'its grants are revoked');
  });
});

describe('dynamic client registration protected by an initial access token, rate-limited per IP', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('sqlite', dcrConfig({ initial_access_token: INITIAL_TOKEN, rate_limit: { per_ip: 3, window: 600 } }));
  });
  after(async () => {
    await server?.stop();
  });

  test('no token, or the wrong one, is 401; the right one registers', async () => {
    const none = await register(server, { redirect_uris: ['https://app.example/cb'] });
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer');
    const wrong = await register(server, { redirect_uris: ['https://app.example/cb'] }, { authorization: 'Bearer not-the-initial-token' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, 'invalid_token');
    const right = await register(server, { redirect_uris: ['https://app.example/cb'] }, { authorization: `Bearer ${INITIAL_TOKEN}` });
    assert.equal(right.status, 201);
  });

  test('the fourth request from one address in the window gets 429 with Retry-After', async () => {
    const again = await register(server, { redirect_uris: ['https://app.example/cb'] }, { authorization: `Bearer ${INITIAL_TOKEN}` });
    assert.equal(again.status, 429);
    assert.equal(again.headers.get('retry-after'), '600');
    assert.equal(again.body.error, 'temporarily_unavailable');
  });
});
