import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, CALENDAR, SYNC_SECRET, basic, postForm, type TestServer } from './helpers/server.js';
import { browserConfig } from './helpers/users.js';
import { CookieJar, get, hiddenField, pkce } from './helpers/browser-flow.js';

const SPA_ORIGIN = 'http://127.0.0.1'; // the test SPA's redirect URI is http://127.0.0.1/callback

describe('CORS', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('sqlite', { ...browserConfig(), cors: { origins: ['https://extra.example.com'] } });
  });
  after(async () => {
    await server.stop();
  });

  test('a registered SPA origin may call the token endpoint and the JWKS; a preflight names the DPoP header', async () => {
    const preflight = await fetch(`${server.url}/token`, { method: 'OPTIONS', headers: { origin: SPA_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'dpop,content-type' } });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), SPA_ORIGIN);
    assert.match(String(preflight.headers.get('access-control-allow-headers')), /DPoP/);
    const jwks = await fetch(`${server.url}/jwks`, { headers: { origin: SPA_ORIGIN } });
    assert.equal(jwks.headers.get('access-control-allow-origin'), SPA_ORIGIN);
    const token = await postForm(`${server.url}/token`, { grant_type: 'client_credentials', resource: CALENDAR }, { origin: 'https://extra.example.com', authorization: basic('sync-job', SYNC_SECRET) });
    assert.equal(token.headers.get('access-control-allow-origin'), 'https://extra.example.com');
    assert.match(String(token.headers.get('access-control-expose-headers')), /WWW-Authenticate/);
  });

  test('an unregistered origin gets no CORS headers', async () => {
    for (const path of ['/token', '/jwks', '/.well-known/openid-configuration']) {
      const res = await fetch(`${server.url}${path}`, { method: 'OPTIONS', headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' } });
      assert.equal(res.headers.get('access-control-allow-origin'), null, path);
    }
  });

  test('a confidential web app origin is not a CORS origin (only public clients call from the browser)', async () => {
    const res = await fetch(`${server.url}/jwks`, { headers: { origin: 'https://todo.example.com' } });
    assert.equal(res.headers.get('access-control-allow-origin'), null);
  });

  test('the authorization endpoint, the login page and introspection (by default) answer no CORS', async () => {
    const url = `${server.url}/authorize?client_id=todo-spa&redirect_uri=${encodeURIComponent('http://127.0.0.1/callback')}&response_type=code&code_challenge=${pkce().challenge}&code_challenge_method=S256&scope=openid`;
    const authz = await fetch(url, { redirect: 'manual', headers: { origin: SPA_ORIGIN } });
    assert.equal(authz.headers.get('access-control-allow-origin'), null);
    const login = await fetch(String(authz.headers.get('location')), { headers: { origin: SPA_ORIGIN } });
    assert.equal(login.headers.get('access-control-allow-origin'), null);
    const preflight = await fetch(`${server.url}/authorize`, { method: 'OPTIONS', headers: { origin: SPA_ORIGIN, 'access-control-request-method': 'GET' } });
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    const intro = await fetch(`${server.url}/introspect`, { method: 'OPTIONS', headers: { origin: SPA_ORIGIN, 'access-control-request-method': 'POST' } });
    assert.equal(intro.headers.get('access-control-allow-origin'), null);
  });
});

async function failLogins(server: TestServer, headers: Record<string, string>, times: number): Promise<string> {
  const jar = new CookieJar();
  const url = `${server.url}/authorize?client_id=todo-web&redirect_uri=${encodeURIComponent('https://todo.example.com/callback')}&response_type=code&code_challenge=${pkce().challenge}&code_challenge_method=S256&scope=openid`;
  const loginUrl = (await get(url, jar)).headers.get('location')!;
  const html = await (await get(loginUrl, jar)).text();
  let last = '';
  for (let i = 0; i < times; i++) {
    const res = await fetch(loginUrl.split('?')[0]!, {
      method: 'POST',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ interaction: hiddenField(html, 'interaction'), csrf: hiddenField(html, 'csrf'), email: `user${i}@example.com`, password: 'wrong-password' }),
    });
    last = await res.text();
  }
  return last;
}

describe('behind a reverse proxy', () => {
  test('with trust_proxy off, a forged X-Forwarded-For does not change the rate-limit key', async () => {
    const server = await startTestServer('sqlite', { ...browserConfig(), login: { max_failures_per_ip: 3 } });
    try {
      await failLogins(server, { 'x-forwarded-for': '203.0.113.1' }, 2);
      const third = await failLogins(server, { 'x-forwarded-for': '203.0.113.2' }, 2);
      assert.match(third, /Too many failed attempts/, 'all attempts counted against the real peer address');
      const keys = await server.store.db.kysely.selectFrom('rate_limits').select('key').where('key', 'like', 'login:ip:%').execute();
      assert.deepEqual(keys.map((k) => k.key), ['login:ip:127.0.0.1']);
    } finally {
      await server.stop();
    }
  });

  test('with trust_proxy set to 127.0.0.1, X-Forwarded-For is honoured', async () => {
    const server = await startTestServer('sqlite', { ...browserConfig(), trust_proxy: ['127.0.0.1'], login: { max_failures_per_ip: 3 } });
    try {
      await failLogins(server, { 'x-forwarded-for': '203.0.113.1' }, 2);
      const other = await failLogins(server, { 'x-forwarded-for': '203.0.113.2' }, 2);
      assert.doesNotMatch(other, /Too many failed attempts/);
      const keys = (await server.store.db.kysely.selectFrom('rate_limits').select('key').where('key', 'like', 'login:ip:%').execute()).map((k) => k.key).sort();
      assert.deepEqual(keys, ['login:ip:203.0.113.1', 'login:ip:203.0.113.2']);
    } finally {
      await server.stop();
    }
  });

  test('a Host header never changes the issuer', async () => {
    const server = await startTestServer('sqlite', browserConfig());
    try {
      const doc = (await (await fetch(`${server.url}/.well-known/openid-configuration`, { headers: { host: 'evil.example.com', 'x-forwarded-host': 'evil.example.com', 'x-forwarded-proto': 'https' } })).json()) as { issuer: string; token_endpoint: string };
      assert.equal(doc.issuer, server.issuer);
      assert.ok(doc.token_endpoint.startsWith(server.issuer));
    } finally {
      await server.stop();
    }
  });
});
