import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, CALENDAR, SYNC_SECRET, basic, postForm, type TestServer } from './helpers/server.js';
import { browserConfig } from './helpers/users.js';
import { ALICE } from './helpers/users.js';
import { CookieJar, get, hiddenField, pkce } from './helpers/browser-flow.js';
import { makeProof, proofKey } from './helpers/dpop.js';

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
    for (const path of ['/revoke', '/userinfo', '/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const res = await fetch(`${server.url}${path}`, { method: 'OPTIONS', headers: { origin: SPA_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } });
      assert.equal(res.status, 204, path);
      assert.equal(res.headers.get('access-control-allow-origin'), SPA_ORIGIN, path);
      assert.equal(res.headers.get('access-control-allow-credentials'), null, `${path}: no credentials`);
    }
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

  test('the registration endpoint answers CORS when dynamic registration is on', async () => {
    const dcr = await startTestServer('sqlite', { ...browserConfig(), cors: { origins: ['https://extra.example.com'] }, dynamic_registration: { enabled: true, apis: { [CALENDAR]: ['read:calendar'] } } });
    try {
      const preflight = await fetch(`${dcr.url}/register`, { method: 'OPTIONS', headers: { origin: 'https://extra.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://extra.example.com');
      const registered = await fetch(`${dcr.url}/register`, {
        method: 'POST',
        headers: { origin: 'https://extra.example.com', 'content-type': 'application/json' },
        body: JSON.stringify({ redirect_uris: ['https://extra.example.com/cb'], token_endpoint_auth_method: 'none', client_name: 'Browser app' }),
      });
      assert.equal(registered.status, 201, await registered.clone().text());
      assert.equal(registered.headers.get('access-control-allow-origin'), 'https://extra.example.com');
      const stranger = await fetch(`${dcr.url}/register`, { method: 'OPTIONS', headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' } });
      assert.equal(stranger.headers.get('access-control-allow-origin'), null);
    } finally {
      await dcr.stop();
    }
  });

  test('introspection answers CORS only when cors.introspection is on', async () => {
    const open = await startTestServer('sqlite', { ...browserConfig(), cors: { introspection: true } });
    try {
      const res = await fetch(`${open.url}/introspect`, { method: 'OPTIONS', headers: { origin: SPA_ORIGIN, 'access-control-request-method': 'POST' } });
      assert.equal(res.headers.get('access-control-allow-origin'), SPA_ORIGIN);
    } finally {
      await open.stop();
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

  /** Signs Alice in with forged proxy headers on every request; returns the Set-Cookie lines. */
  async function signInWith(server: TestServer, headers: Record<string, string>): Promise<string[]> {
    const jar = new CookieJar();
    const url = `${server.url}/authorize?client_id=todo-web&redirect_uri=${encodeURIComponent('https://todo.example.com/callback')}&response_type=code&code_challenge=${pkce().challenge}&code_challenge_method=S256&scope=openid`;
    const start = await fetch(url, { redirect: 'manual', headers });
    jar.store(start);
    const cookies = [...start.headers.getSetCookie()];
    const loginUrl = new URL(start.headers.get('location')!);
    assert.equal(loginUrl.origin, new URL(server.issuer).origin, 'the login page is on the issuer, whatever the headers say');
    const local = `${server.url}${loginUrl.pathname}${loginUrl.search}`;
    const html = await (await fetch(local, { headers: { ...headers, cookie: jar.header() } })).text();
    const res = await fetch(local.split('?')[0]!, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...headers, cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ interaction: hiddenField(html, 'interaction'), csrf: hiddenField(html, 'csrf'), email: ALICE.email, password: ALICE.password }),
    });
    assert.equal(res.status, 303);
    cookies.push(...res.headers.getSetCookie());
    assert.ok(cookies.some((c) => c.startsWith('lk_session=')), 'signed in');
    return cookies;
  }

  const FORGED = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example.com', 'x-forwarded-for': '203.0.113.9', forwarded: 'for=203.0.113.9;proto=https;host=evil.example.com' };

  for (const trust of [false, ['127.0.0.1']] as const) {
    test(`cookies and DPoP htu follow the configured issuer, never forwarded headers (trust_proxy ${JSON.stringify(trust)})`, async () => {
      const server = await startTestServer('sqlite', { ...browserConfig(), trust_proxy: trust });
      try {
        const cookies = await signInWith(server, FORGED);
        for (const c of cookies) {
          assert.doesNotMatch(c, /;\s*secure/i, `an http issuer sets no Secure cookie, even when a header claims https: ${c.split('=')[0]}`);
          assert.match(c, /HttpOnly/i);
          assert.match(c, /SameSite=Lax/i);
        }
        const key = await proofKey();
        const token = async (htu: string) =>
          postForm(`${server.url}/token`, { grant_type: 'client_credentials', resource: CALENDAR }, { ...FORGED, authorization: basic('sync-job', SYNC_SECRET), dpop: await makeProof(key, { htu }) });
        const forgedHtu = await token('https://evil.example.com/token');
        assert.equal(forgedHtu.status, 400);
        assert.equal(((await forgedHtu.json()) as { error: string }).error, 'invalid_dpop_proof');
        const realHtu = await token(`${server.issuer}/token`);
        assert.equal(realHtu.status, 200, 'htu is the issuer\'s token endpoint');
      } finally {
        await server.stop();
      }
    });
  }

  test('an https issuer sets Secure cookies even on a request that reached the node over plain http', async () => {
    const server = await startTestServer('sqlite', { ...browserConfig(), issuer: 'https://id.example.com' });
    try {
      assert.equal(server.issuer, 'https://id.example.com');
      const cookies = await signInWith(server, {});
      for (const c of cookies) assert.match(c, /;\s*Secure/i, c.split('=')[0]);
    } finally {
      await server.stop();
    }
  });
});
