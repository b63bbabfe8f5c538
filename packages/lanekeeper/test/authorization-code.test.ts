import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { DIALECTS } from './helpers/databases.js';
import { startTestServer, basic, postForm, CALENDAR, CALENDAR_API_SECRET, type TestServer } from './helpers/server.js';
import { ALICE, BOB, WEB_REDIRECT, WEB_SECRET, SPA_REDIRECT, browserConfig } from './helpers/users.js';
import { authorizationFlow, CookieJar, get, post, hiddenField, pkce } from './helpers/browser-flow.js';

type Json = Record<string, unknown>;

async function redeem(server: TestServer, code: string, verifier: string, extra: Record<string, string> = {}, auth = basic('todo-web', WEB_SECRET)): Promise<{ status: number; body: Json }> {
  const res = await postForm(`${server.url}/token`, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: WEB_REDIRECT, ...extra }, auth ? { authorization: auth } : {});
  return { status: res.status, body: (await res.json()) as Json };
}

async function refresh(server: TestServer, token: string, extra: Record<string, string> = {}): Promise<{ status: number; body: Json }> {
  const res = await postForm(`${server.url}/token`, { grant_type: 'refresh_token', refresh_token: token, ...extra }, { authorization: basic('todo-web', WEB_SECRET) });
  return { status: res.status, body: (await res.json()) as Json };
}

async function introspect(server: TestServer, token: string): Promise<Json> {
  const res = await postForm(`${server.url}/introspect`, { token }, { authorization: basic('calendar-api', CALENDAR_API_SECRET) });
  return (await res.json()) as Json;
}

const WEB = { clientId: 'todo-web', redirectUri: WEB_REDIRECT };

for (const dialect of DIALECTS) {
  describe(`authorization code, refresh tokens and the human lane (${dialect})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(dialect, browserConfig());
    });
    after(async () => {
      await server.stop();
    });

    const aliceFlow = (extra: Partial<Parameters<typeof authorizationFlow>[1]> = {}) =>
      authorizationFlow(server, { ...WEB, scope: 'openid profile email offline_access read:calendar write:calendar admin:calendar', resource: CALENDAR, params: { nonce: 'n-0S6_WzA2Mj' }, login: ALICE, consent: 'allow', ...extra });

    test('the access token is for the API and the user; the ID token is for the app alone', async () => {
      const flow = await aliceFlow();
      assert.equal(flow.redirect.searchParams.get('iss'), server.issuer, 'RFC 9207 iss in the response');
      assert.ok(flow.redirect.searchParams.get('state')?.startsWith('st-'));
      const { status, body } = await redeem(server, flow.code!, flow.verifier);
      assert.equal(status, 200, JSON.stringify(body));
      const access = decodeJwt(String(body.access_token));
      assert.equal(decodeProtectedHeader(String(body.access_token)).typ, 'at+jwt');
      assert.deepEqual(access.aud, [CALENDAR, `${server.issuer}/userinfo`]);
      assert.match(String(access.sub), /^lk_usr_/);
      assert.equal(access.client_id, 'todo-web');
      const apiScopes = String(access.scope).split(' ').filter((s) => s.includes(':')).sort();
      assert.deepEqual(apiScopes, ['read:calendar', 'write:calendar'], 'admin:calendar is beyond what Alice may do');
      assert.match(String(body.scope), /openid/);

      const jwks = createRemoteJWKSet(new URL(`${server.issuer}/jwks`));
      const { payload: id, protectedHeader } = await jwtVerify(String(body.id_token), jwks, { issuer: server.issuer, audience: 'todo-web' });
      assert.equal(protectedHeader.typ, 'JWT');
      assert.equal(id.aud, 'todo-web');
      assert.equal(id.sub, access.sub);
      assert.equal(id.nonce, 'n-0S6_WzA2Mj');
      assert.ok(typeof id.auth_time === 'number' && typeof id.sid === 'string' && typeof id.at_hash === 'string');
      assert.equal(id.scope, undefined, 'an ID token carries no scope');
      assert.equal(id.name, 'Alice Example');
      assert.equal(id.email, ALICE.email);
      assert.equal(id.address, undefined, 'address was not asked for');
      assert.ok(String(body.refresh_token).startsWith('lk_rt_'));
    });

    test('a user allowed only read:calendar gets only read:calendar', async () => {
      const flow = await authorizationFlow(server, { ...WEB, scope: 'openid read:calendar write:calendar', resource: CALENDAR, login: BOB, consent: 'allow' });
      const { body } = await redeem(server, flow.code!, flow.verifier);
      assert.deepEqual(String(decodeJwt(String(body.access_token)).scope).split(' ').filter((s) => s.includes(':')), ['read:calendar']);
    });

    test('a replayed code fails and revokes every token issued from it', async () => {
      const flow = await aliceFlow();
      const first = await redeem(server, flow.code!, flow.verifier);
      assert.equal(first.status, 200);
      assert.equal((await introspect(server, String(first.body.access_token))).active, true);
      const again = await redeem(server, flow.code!, flow.verifier);
      assert.equal(again.status, 400);
      assert.equal(again.body.error, 'invalid_grant');
      assert.deepEqual(await introspect(server, String(first.body.access_token)), { active: false });
      assert.equal((await refresh(server, String(first.body.refresh_token))).status, 400, 'the refresh token is revoked too');
    });

    test('PKCE: a missing or wrong verifier is refused; plain and missing challenges are refused at /authorize', async () => {
      const flow = await aliceFlow();
      assert.equal((await redeem(server, flow.code!, pkce().verifier)).body.error, 'invalid_grant');
      const flow2 = await aliceFlow();
      const res = await postForm(`${server.url}/token`, { grant_type: 'authorization_code', code: flow2.code!, redirect_uri: WEB_REDIRECT }, { authorization: basic('todo-web', WEB_SECRET) });
      assert.equal(((await res.json()) as Json).error, 'invalid_grant');
      for (const params of [{ code_challenge_method: 'plain' }, { code_challenge: '' }, { code_challenge: undefined, code_challenge_method: undefined }]) {
        const jar = new CookieJar();
        const url = new URL(`${server.issuer}/authorize`);
        const base = { response_type: 'code', client_id: 'todo-web', redirect_uri: WEB_REDIRECT, scope: 'openid', code_challenge: pkce().challenge, code_challenge_method: 'S256', state: 'x' };
        for (const [k, v] of Object.entries({ ...base, ...params })) if (v !== undefined) url.searchParams.set(k, v);
        const r = await get(url.toString(), jar);
        assert.equal(r.status, 303);
        const loc = new URL(r.headers.get('location')!);
        assert.equal(loc.origin + loc.pathname, WEB_REDIRECT);
        assert.equal(loc.searchParams.get('error'), 'invalid_request');
        assert.equal(loc.searchParams.get('state'), 'x');
      }
    });

    test('a redirect_uri mismatch shows an error page and never redirects', async () => {
      for (const redirect of ['https://evil.example.com/callback', `${WEB_REDIRECT}/extra`, 'https://todo.example.com/callback?x=1']) {
        const url = new URL(`${server.issuer}/authorize`);
        for (const [k, v] of Object.entries({ response_type: 'code', client_id: 'todo-web', redirect_uri: redirect, scope: 'openid', code_challenge: pkce().challenge, code_challenge_method: 'S256' })) url.searchParams.set(k, v);
        const res = await get(url.toString(), new CookieJar());
        assert.equal(res.status, 400);
        assert.equal(res.headers.get('location'), null);
        assert.match(res.headers.get('content-type') ?? '', /text\/html/);
        assert.match(await res.text(), /redirect_uri/);
      }
      const unknownClient = await get(`${server.issuer}/authorize?client_id=nobody&redirect_uri=${encodeURIComponent(WEB_REDIRECT)}&response_type=code`, new CookieJar());
      assert.equal(unknownClient.status, 400);
      assert.equal(unknownClient.headers.get('location'), null);
    });

    test('the login and consent forms refuse a missing or wrong CSRF token', async () => {
      const jar = new CookieJar();
      const url = new URL(`${server.issuer}/authorize`);
      for (const [k, v] of Object.entries({ response_type: 'code', client_id: 'todo-web', redirect_uri: WEB_REDIRECT, scope: 'openid read:calendar', resource: CALENDAR, code_challenge: pkce().challenge, code_challenge_method: 'S256', prompt: 'consent' })) url.searchParams.set(k, v);
      const start = await get(url.toString(), jar);
      const loginUrl = start.headers.get('location')!;
      const html = await (await get(loginUrl, jar)).text();
      const interaction = hiddenField(html, 'interaction');
      const csrf = hiddenField(html, 'csrf');
      const action = loginUrl.split('?')[0]!;
      assert.equal((await post(action, { interaction, email: ALICE.email, password: ALICE.password }, jar)).status, 403);
      assert.equal((await post(action, { interaction, csrf: 'forged', email: ALICE.email, password: ALICE.password }, jar)).status, 403);
      const otherBrowser = new CookieJar();
      assert.equal((await post(action, { interaction, csrf, email: ALICE.email, password: ALICE.password }, otherBrowser)).status, 400, 'another browser cannot continue this sign-in');
      const ok = await post(action, { interaction, csrf, email: ALICE.email, password: ALICE.password }, jar);
      assert.equal(ok.status, 303);
      const consentUrl = ok.headers.get('location')!;
      assert.ok(consentUrl.startsWith(server.issuer), 'prompt=consent leads to the consent page');
      const consentHtml = await (await get(consentUrl, jar)).text();
      assert.equal((await post(consentUrl.split('?')[0]!, { interaction: hiddenField(consentHtml, 'interaction'), decision: 'allow' }, jar)).status, 403);
    });

    test('refresh rotates; reusing a rotated refresh token revokes the whole family', async () => {
      const flow = await aliceFlow();
      const { body } = await redeem(server, flow.code!, flow.verifier);
      const r1 = await refresh(server, String(body.refresh_token));
      assert.equal(r1.status, 200);
      assert.notEqual(r1.body.refresh_token, body.refresh_token);
      assert.ok(r1.body.id_token, 'a new ID token comes with openid');
      assert.equal(decodeJwt(String(r1.body.id_token)).nonce, undefined, 'no nonce on refresh');
      const reuse = await refresh(server, String(body.refresh_token));
      assert.equal(reuse.body.error, 'invalid_grant');
      assert.equal((await refresh(server, String(r1.body.refresh_token))).body.error, 'invalid_grant', 'the newest token of the family is revoked too');
      assert.deepEqual(await introspect(server, String(r1.body.access_token)), { active: false });
    });

    test('refresh may down-scope but never widen', async () => {
      const flow = await aliceFlow();
      const { body } = await redeem(server, flow.code!, flow.verifier);
      const down = await refresh(server, String(body.refresh_token), { scope: 'openid read:calendar' });
      assert.equal(down.status, 200);
      assert.equal(down.body.scope, 'read:calendar openid');
      const wide = await refresh(server, String(down.body.refresh_token), { scope: 'read:calendar admin:calendar' });
      assert.equal(wide.body.error, 'invalid_scope');
    });

    test('20 concurrent redemptions of one refresh token: exactly one 200', async () => {
      const flow = await aliceFlow();
      const { body } = await redeem(server, flow.code!, flow.verifier);
      const results = await Promise.all(Array.from({ length: 20 }, () => refresh(server, String(body.refresh_token))));
      assert.equal(results.filter((r) => r.status === 200).length, 1, results.map((r) => r.status).join(','));
      assert.ok(results.filter((r) => r.status !== 200).every((r) => r.body.error === 'invalid_grant'));
    });

    test('userinfo accepts the access token and refuses the ID token with an explaining header', async () => {
      const flow = await aliceFlow();
      const { body } = await redeem(server, flow.code!, flow.verifier);
      const ok = await fetch(`${server.url}/userinfo`, { headers: { authorization: `Bearer ${body.access_token}` } });
      assert.equal(ok.status, 200);
      const claims = (await ok.json()) as Json;
      assert.equal(claims.sub, decodeJwt(String(body.access_token)).sub);
      assert.equal(claims.email, ALICE.email);
      assert.equal(claims.given_name, 'Alice');

      const refused = await fetch(`${server.url}/userinfo`, { headers: { authorization: `Bearer ${body.id_token}` } });
      assert.equal(refused.status, 401);
      const header = String(refused.headers.get('www-authenticate'));
      assert.match(header, /^Bearer /);
      assert.match(header, /error="invalid_token"/);
      assert.match(header, /ID token/);
      assert.match(header, /send the access token/);

      const inQuery = await fetch(`${server.url}/userinfo?access_token=${body.access_token}`);
      assert.equal(inQuery.status, 401);
      assert.match(String(inQuery.headers.get('www-authenticate')), /Authorization header/);
    });

    test('an API-only access token (no openid) is refused at userinfo', async () => {
      const flow = await authorizationFlow(server, { ...WEB, scope: 'read:calendar', resource: CALENDAR, login: ALICE, consent: 'allow' });
      const { body } = await redeem(server, flow.code!, flow.verifier);
      assert.equal(decodeJwt(String(body.access_token)).aud, CALENDAR);
      assert.equal(body.id_token, undefined);
      const res = await fetch(`${server.url}/userinfo`, { headers: { authorization: `Bearer ${body.access_token}` } });
      assert.equal(res.status, 401);
    });

    test('only openid scopes and no API: the userinfo endpoint is the only audience', async () => {
      const flow = await authorizationFlow(server, { ...WEB, scope: 'openid email', login: ALICE, consent: 'allow' });
      const { body } = await redeem(server, flow.code!, flow.verifier);
      assert.equal(decodeJwt(String(body.access_token)).aud, `${server.issuer}/userinfo`);
    });

    test('a token request naming a resource not granted is invalid_target', async () => {
      const flow = await aliceFlow();
      const res = await redeem(server, flow.code!, flow.verifier, { resource: 'https://contacts.example.com' });
      assert.equal(res.body.error, 'invalid_target');
    });

    test('SSO: a second app signs in within the session without a password; prompt=login asks again', async () => {
      const first = await aliceFlow();
      const sso = await authorizationFlow(server, { clientId: 'portal', redirectUri: 'https://portal.example.com/cb', scope: 'openid profile', jar: first.jar });
      assert.ok(sso.code, 'no login page: the session signs the user in');
      assert.equal(sso.pages.length, 0, 'a first-party app shows no consent');
      await assert.rejects(authorizationFlow(server, { clientId: 'portal', redirectUri: 'https://portal.example.com/cb', scope: 'openid', params: { prompt: 'login' }, jar: first.jar }), /login page shown/);
    });

    test('consent is remembered per user and client', async () => {
      const jar = new CookieJar();
      await authorizationFlow(server, { ...WEB, scope: 'openid read:calendar', resource: CALENDAR, login: ALICE, consent: 'allow', jar });
      const again = await authorizationFlow(server, { ...WEB, scope: 'openid read:calendar', resource: CALENDAR, jar });
      assert.ok(again.code);
      assert.equal(again.pages.length, 0);
    });

    test('denying consent sends access_denied back to the app', async () => {
      const denied = await authorizationFlow(server, { ...WEB, scope: 'openid read:calendar', resource: CALENDAR, params: { prompt: 'consent' }, login: BOB, consent: 'deny' });
      assert.equal(denied.redirect.searchParams.get('error'), 'access_denied');
      assert.equal(denied.code, undefined);
    });

    test('response_mode=form_post answers with a page that posts the code to the app', async () => {
      const first = await aliceFlow();
      const { verifier, challenge } = pkce();
      const url = new URL(`${server.issuer}/authorize`);
      for (const [k, v] of Object.entries({ response_type: 'code', client_id: 'todo-web', redirect_uri: WEB_REDIRECT, scope: 'openid read:calendar', resource: CALENDAR, code_challenge: challenge, code_challenge_method: 'S256', state: 'fp', response_mode: 'form_post' })) url.searchParams.set(k, v);
      const res = await get(url.toString(), first.jar);
      assert.equal(res.status, 200);
      const csp = String(res.headers.get('content-security-policy'));
      assert.match(csp, /form-action https:\/\/todo\.example\.com/);
      assert.match(csp, /script-src 'sha256-/);
      const html = await res.text();
      assert.match(html, /<form method="post" action="https:\/\/todo\.example\.com\/callback">/);
      assert.equal(hiddenField(html, 'state'), 'fp');
      assert.equal(hiddenField(html, 'iss'), server.issuer);
      const { status } = await redeem(server, hiddenField(html, 'code'), verifier);
      assert.equal(status, 200);
    });

    test('max_age asks for the password again once the session is older than it', async () => {
      const first = await aliceFlow();
      await new Promise((r) => setTimeout(r, 1100));
      await assert.rejects(aliceFlow({ jar: first.jar, login: undefined, params: { max_age: '0' } }), /login page shown/);
      const again = await aliceFlow({ jar: first.jar, login: undefined, params: { max_age: '3600' } });
      assert.ok(again.code);
    });

    test('the ID token carries acr and amr', async () => {
      const flow = await aliceFlow();
      const { body } = await redeem(server, flow.code!, flow.verifier);
      const id = decodeJwt(String(body.id_token));
      assert.equal(id.acr, '1');
      assert.deepEqual(id.amr, ['pwd']);
    });

    test('prompt=none without a session answers login_required', async () => {
      const flow = await authorizationFlow(server, { ...WEB, scope: 'openid', params: { prompt: 'none' } });
      assert.equal(flow.redirect.searchParams.get('error'), 'login_required');
    });

    test('a public SPA client with a loopback redirect on any port uses PKCE without a secret', async () => {
      const redirect = SPA_REDIRECT.replace('127.0.0.1', '127.0.0.1:53123');
      const flow = await authorizationFlow(server, { clientId: 'todo-spa', redirectUri: redirect, scope: 'openid read:calendar', resource: CALENDAR, login: ALICE, consent: 'allow' });
      const res = await postForm(`${server.url}/token`, { grant_type: 'authorization_code', client_id: 'todo-spa', code: flow.code!, code_verifier: flow.verifier, redirect_uri: redirect });
      const body = (await res.json()) as Json;
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.equal(decodeProtectedHeader(String(body.id_token)).alg, 'ES256');
      assert.ok(Number(body.expires_in) <= 300, 'public clients get shorter access tokens');
    });

    test('failed logins get one generic message and are rate-limited per account', async () => {
      const jar = new CookieJar();
      const url = new URL(`${server.issuer}/authorize`);
      for (const [k, v] of Object.entries({ response_type: 'code', client_id: 'todo-web', redirect_uri: WEB_REDIRECT, scope: 'openid', code_challenge: pkce().challenge, code_challenge_method: 'S256' })) url.searchParams.set(k, v);
      const loginUrl = (await get(url.toString(), jar)).headers.get('location')!;
      const html = await (await get(loginUrl, jar)).text();
      const form = { interaction: hiddenField(html, 'interaction'), csrf: hiddenField(html, 'csrf') };
      const action = loginUrl.split('?')[0]!;
      const unknown = await post(action, { ...form, email: 'nobody@example.com', password: 'whatever-123' }, jar);
      const wrong = await post(action, { ...form, email: 'carol@example.com', password: 'whatever-123' }, jar);
      assert.equal(unknown.status, 401);
      const msg = (h: string) => /role="alert"[^>]*>([^<]*)</.exec(h)?.[1];
      assert.equal(msg(await unknown.text()), msg(await wrong.text()), 'no user enumeration');
      for (let i = 0; i < 6; i++) await post(action, { ...form, email: BOB.email, password: 'wrong-password-' + i }, jar);
      const blocked = await post(action, { ...form, email: BOB.email, password: BOB.password }, jar);
      assert.equal(blocked.status, 429, 'the right password is refused while the account is throttled');
      assert.ok(Number(blocked.headers.get('retry-after')) > 0);
      assert.match(await blocked.text(), /Too many failed attempts/);
    });

    test('RP-initiated logout: confirmation, the session ends, then back to the registered URI', async () => {
      const flow = await aliceFlow();
      const { body } = await redeem(server, flow.code!, flow.verifier);
      const url = new URL(`${server.issuer}/logout`);
      url.searchParams.set('id_token_hint', String(body.id_token));
      url.searchParams.set('post_logout_redirect_uri', 'https://todo.example.com/bye');
      url.searchParams.set('state', 'bye-1');
      const page = await get(url.toString(), flow.jar);
      assert.equal(page.status, 200);
      const html = await page.text();
      const done = await post(`${server.issuer}/logout`, { interaction: hiddenField(html, 'interaction'), csrf: hiddenField(html, 'csrf'), decision: 'logout' }, flow.jar);
      assert.equal(done.status, 303);
      assert.equal(done.headers.get('location'), 'https://todo.example.com/bye?state=bye-1');
      const after = await authorizationFlow(server, { ...WEB, scope: 'openid', params: { prompt: 'none' }, jar: flow.jar });
      assert.equal(after.redirect.searchParams.get('error'), 'login_required');
    });

    test('logout refuses an unregistered post_logout_redirect_uri', async () => {
      const flow = await aliceFlow();
      const { body } = await redeem(server, flow.code!, flow.verifier);
      const res = await get(`${server.issuer}/logout?id_token_hint=${body.id_token}&post_logout_redirect_uri=${encodeURIComponent('https://evil.example.com/')}`, flow.jar);
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('location'), null);
    });
  });
}
