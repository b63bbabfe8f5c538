// Parts of the human lane a user relies on beyond the main flow: response types, login_hint,
// userinfo by POST, who gets a refresh token, and how emails and passwords are stored.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, basic, postForm, CALENDAR, CONTACTS, CONTACTS_API_SECRET, REPORTS, type TestServer } from './helpers/server.js';
import { ALICE, WEB_REDIRECT, WEB_SECRET, browserConfig } from './helpers/users.js';
import { authorizationFlow, CookieJar, get, pkce } from './helpers/browser-flow.js';
import { sha256 } from '../src/util/hash.js';

type Json = Record<string, unknown>;

describe('human lane details', () => {
  let server: TestServer;
  before(async () => {
    const config = browserConfig();
    const alice = (config.users as { email: string; permissions: Record<string, string[]> }[]).find((u) => u.email === ALICE.email)!;
    alice.permissions[CONTACTS] = ['read:contacts'];
    server = await startTestServer('sqlite', config);
  });
  after(async () => {
    await server.stop();
  });

  const authorizeUrl = (params: Record<string, string>) => {
    const url = new URL(`${server.issuer}/authorize`);
    const base = { response_type: 'code', client_id: 'todo-web', redirect_uri: WEB_REDIRECT, scope: 'openid', code_challenge: pkce().challenge, code_challenge_method: 'S256', state: 'rt' };
    for (const [k, v] of Object.entries({ ...base, ...params })) url.searchParams.set(k, v);
    return url.toString();
  };
  const redeem = async (flow: Awaited<ReturnType<typeof authorizationFlow>>, clientId = 'todo-web', secret = WEB_SECRET, redirectUri = WEB_REDIRECT) => {
    const res = await postForm(`${server.url}/token`, { grant_type: 'authorization_code', code: flow.code!, code_verifier: flow.verifier, redirect_uri: redirectUri }, { authorization: basic(clientId, secret) });
    assert.equal(res.status, 200);
    return (await res.json()) as Json;
  };

  test('only response_type=code: token, id_token and hybrid types go back as unsupported_response_type', async () => {
    for (const responseType of ['token', 'id_token', 'code id_token', 'code token']) {
      const res = await get(authorizeUrl({ response_type: responseType }), new CookieJar());
      assert.equal(res.status, 303, responseType);
      const location = new URL(res.headers.get('location')!);
      assert.equal(location.origin + location.pathname, WEB_REDIRECT);
      assert.equal(location.searchParams.get('error'), 'unsupported_response_type', responseType);
      assert.equal(location.searchParams.get('state'), 'rt');
      assert.equal(location.searchParams.get('iss'), server.issuer, 'RFC 9207 iss on errors too');
      assert.equal(location.hash, '', 'nothing in a fragment');
    }
  });

  test('login_hint fills in the email on the login page', async () => {
    const jar = new CookieJar();
    const start = await get(authorizeUrl({ login_hint: 'hinted.person@example.com' }), jar);
    const html = await (await get(new URL(start.headers.get('location')!, server.issuer).toString(), jar)).text();
    assert.match(html, /value="hinted\.person@example\.com"/);
  });

  test('userinfo answers POST with the access token in the Authorization header; a token in the body is ignored', async () => {
    const flow = await authorizationFlow(server, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope: 'openid email', login: ALICE, consent: 'allow' });
    const { access_token } = await redeem(flow);
    const ok = await fetch(`${server.url}/userinfo`, { method: 'POST', headers: { authorization: `Bearer ${access_token}` } });
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as Json).email, ALICE.email);
    const inBody = await postForm(`${server.url}/userinfo`, { access_token: String(access_token) });
    assert.equal(inBody.status, 401);
    assert.match(String(inBody.headers.get('www-authenticate')), /Authorization header/);
  });

  test('a third-party app gets a refresh token only with offline_access; a first-party app gets one without asking', async () => {
    const without = await redeem(await authorizationFlow(server, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope: 'openid read:calendar', resource: CALENDAR, login: ALICE, consent: 'allow' }));
    assert.equal(without.refresh_token, undefined);
    const withOffline = await redeem(await authorizationFlow(server, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope: 'openid offline_access read:calendar', resource: CALENDAR, login: ALICE, consent: 'allow' }));
    assert.match(String(withOffline.refresh_token), /^lk_rt_/);
    const portal = await redeem(await authorizationFlow(server, { clientId: 'portal', redirectUri: 'https://portal.example.com/cb', scope: 'openid', login: ALICE }), 'portal', 'portal-secret-0123456789', 'https://portal.example.com/cb');
    assert.match(String(portal.refresh_token), /^lk_rt_/);
  });

  test('an authorization code lives 60 seconds and is stored only as a hash; an expired one is invalid_grant', async () => {
    const before = Math.floor(Date.now() / 1000);
    const flow = await authorizationFlow(server, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope: 'openid', login: ALICE, consent: 'allow' });
    const after = Math.ceil(Date.now() / 1000);
    assert.match(String(flow.code), /^lk_code_/);
    const row = await server.store.db.kysely.selectFrom('codes').selectAll().where('code_hash', '=', sha256(flow.code!)).executeTakeFirstOrThrow();
    assert.ok(row.expires_at >= before + 60 && row.expires_at <= after + 60, `expires_at ${row.expires_at - before} s after the request`);
    const stored = await server.store.db.kysely.selectFrom('codes').selectAll().execute();
    assert.ok(!JSON.stringify(stored).includes(flow.code!), 'no code in clear');
    await server.store.db.kysely.updateTable('codes').set({ expires_at: before - 1 }).where('code_hash', '=', row.code_hash).execute();
    const res = await postForm(`${server.url}/token`, { grant_type: 'authorization_code', code: flow.code!, code_verifier: flow.verifier, redirect_uri: WEB_REDIRECT }, { authorization: basic('todo-web', WEB_SECRET) });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as Json).error, 'invalid_grant');
  });

  test('one grant for two APIs: each token names one, resource picks the API at each refresh, and a refused request spends nothing', async () => {
    const flow = await authorizationFlow(server, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope: 'openid offline_access read:calendar read:contacts', resource: [CALENDAR, CONTACTS], login: ALICE, consent: 'allow' });
    const token = (body: Record<string, string | string[]>) => postForm(`${server.url}/token`, body, { authorization: basic('todo-web', WEB_SECRET) });
    const exchange = (resource: string | string[]) => token({ grant_type: 'authorization_code', code: flow.code!, code_verifier: flow.verifier, redirect_uri: WEB_REDIRECT, resource });
    assert.equal(((await (await exchange([CALENDAR, CONTACTS])).json()) as Json).error, 'invalid_target', 'one token, one API');
    assert.equal(((await (await exchange(REPORTS)).json()) as Json).error, 'invalid_target', 'an API not granted');
    const first = (await (await exchange(CALENDAR)).json()) as Json;
    assert.equal(first.scope, 'read:calendar openid', 'the refused exchanges did not spend the code');
    const contacts = (await (await token({ grant_type: 'refresh_token', refresh_token: String(first.refresh_token), resource: CONTACTS })).json()) as Json;
    assert.match(String(contacts.access_token), /^lk_at_/, 'the contacts API takes opaque tokens');
    const introspected = (await (await postForm(`${server.url}/introspect`, { token: String(contacts.access_token) }, { authorization: basic('contacts-api', CONTACTS_API_SECRET) })).json()) as Json;
    assert.equal(introspected.active, true);
    assert.equal(introspected.scope, 'read:contacts openid');
    const refresh = (extra: Record<string, string>) => token({ grant_type: 'refresh_token', refresh_token: String(contacts.refresh_token), ...extra });
    assert.equal(((await (await refresh({})).json()) as Json).error, 'invalid_target', 'several granted APIs: the request must name one');
    assert.equal(((await (await refresh({ resource: REPORTS })).json()) as Json).error, 'invalid_target');
    assert.equal(((await (await refresh({ resource: CALENDAR, scope: 'admin:calendar' })).json()) as Json).error, 'invalid_scope');
    const ok = await refresh({ resource: CALENDAR });
    assert.equal(ok.status, 200, 'the refused requests spent nothing: the same refresh token still works, and no reuse was detected');
  });

  test('emails are matched after NFKC normalisation and case folding; passwords are stored as argon2id with OWASP parameters', async () => {
    // Fullwidth letters fold to ASCII under NFKC.
    for (const email of ['ALICE@EXAMPLE.COM', '\uff21lice@example.com']) {
      const flow = await authorizationFlow(server, { clientId: 'portal', redirectUri: 'https://portal.example.com/cb', scope: 'openid', login: { email, password: ALICE.password } });
      assert.ok(flow.code, email);
    }
    const row = await server.store.db.kysely.selectFrom('users').select(['email', 'password_hash']).where('email', '=', ALICE.email).executeTakeFirstOrThrow();
    assert.equal(row.email, ALICE.email);
    assert.match(String(row.password_hash), /^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    assert.ok(!String(row.password_hash).includes(ALICE.password));
  });

  test('branding from the config reaches the served pages: product name, logo and colour, allowed by the CSP', async () => {
    const branded = await startTestServer('sqlite', { ...browserConfig(), branding: { product_name: 'Acme Sign-in', logo_url: 'https://cdn.example.com/logo.png', primary_color: '#aa3300' } });
    try {
      const jar = new CookieJar();
      const url = new URL(`${branded.issuer}/authorize`);
      for (const [k, v] of Object.entries({ response_type: 'code', client_id: 'todo-web', redirect_uri: WEB_REDIRECT, scope: 'openid', code_challenge: pkce().challenge, code_challenge_method: 'S256' })) url.searchParams.set(k, v);
      const start = await get(url.toString(), jar);
      const page = await get(new URL(start.headers.get('location')!, branded.issuer).toString(), jar);
      const html = await page.text();
      assert.match(html, /Acme Sign-in/);
      assert.match(html, /<img[^>]+src="https:\/\/cdn\.example\.com\/logo\.png"[^>]*alt="Acme Sign-in logo"|<img[^>]+alt="Acme Sign-in logo"[^>]*src="https:\/\/cdn\.example\.com\/logo\.png"/);
      assert.match(html.toLowerCase(), /#aa3300/);
      const csp = String(page.headers.get('content-security-policy'));
      assert.match(csp, /img-src [^;]*https:/, 'the CSP lets the https logo load');
      assert.match(csp, /frame-ancestors 'none'/);
    } finally {
      await branded.stop();
    }
  });
});
