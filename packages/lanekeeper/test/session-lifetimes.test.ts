import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, basic, postForm, CALENDAR, type TestServer } from './helpers/server.js';
import { ALICE, WEB_REDIRECT, WEB_SECRET, browserConfig } from './helpers/users.js';
import { authorizationFlow, CookieJar } from './helpers/browser-flow.js';
import { sha256 } from '../src/util/hash.js';

describe('session and refresh-family lifetimes', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('sqlite', { ...browserConfig(), session: { absolute: 3600, idle: 600 }, lifetimes: { confidential: { refresh_token: 7200, refresh_token_idle: 900 } } });
  });
  after(async () => {
    await server.stop();
  });

  const signIn = async () => {
    const flow = await authorizationFlow(server, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope: 'openid offline_access read:calendar', resource: CALENDAR, login: ALICE, consent: 'allow' });
    const res = await postForm(`${server.url}/token`, { grant_type: 'authorization_code', code: flow.code!, code_verifier: flow.verifier, redirect_uri: WEB_REDIRECT }, { authorization: basic('todo-web', WEB_SECRET) });
    return { flow, tokens: (await res.json()) as { refresh_token: string } };
  };

  test('a browser session unused for longer than the idle limit asks for the password again', async () => {
    const { flow } = await signIn();
    assert.ok((await authorizationFlow(server, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope: 'openid', jar: flow.jar })).code, 'still signed in');
    await server.store.db.kysely.updateTable('sessions').set({ last_seen_at: Math.floor(Date.now() / 1000) - 601 }).execute();
    await assert.rejects(authorizationFlow(server, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope: 'openid', jar: flow.jar }), /login page shown/);
  });

  test('a login always starts a new session id: a planted or earlier session cookie is replaced (no fixation)', async () => {
    const jar = new CookieJar();
    jar.cookies.set('lk_session', 'planted-by-someone-else-0123456789abcdef');
    const first = await authorizationFlow(server, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope: 'openid', login: ALICE, consent: 'allow', jar });
    assert.ok(first.code);
    const afterFirst = jar.cookies.get('lk_session');
    assert.ok(afterFirst && afterFirst !== 'planted-by-someone-else-0123456789abcdef', 'the planted value was replaced');
    const planted = await server.store.db.kysely.selectFrom('sessions').select('id').where('id', '=', sha256('planted-by-someone-else-0123456789abcdef')).execute();
    assert.deepEqual(planted, [], 'the planted value names no session');
    await authorizationFlow(server, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope: 'openid', params: { prompt: 'login' }, login: ALICE, consent: 'allow', jar });
    const afterSecond = jar.cookies.get('lk_session');
    assert.ok(afterSecond && afterSecond !== afterFirst, 'signing in again gives a new session id');
  });

  test('a browser session past its absolute lifetime asks for the password again, however recently used', async () => {
    const { flow } = await signIn();
    const id = sha256(flow.jar.cookies.get('lk_session')!);
    await server.store.db.kysely.updateTable('sessions').set({ expires_at: Math.floor(Date.now() / 1000) - 1 }).where('id', '=', id).execute();
    await assert.rejects(authorizationFlow(server, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope: 'openid', jar: flow.jar }), /login page shown/);
  });

  test('a refresh-token family past its absolute lifetime ends, even with a fresh token', async () => {
    const { tokens } = await signIn();
    const row = await server.store.db.kysely.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', sha256(tokens.refresh_token)).executeTakeFirstOrThrow();
    await server.store.db.kysely.updateTable('grants').set({ expires_at: Math.floor(Date.now() / 1000) - 1 }).where('id', '=', row.grant_id).execute();
    const res = await postForm(`${server.url}/token`, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, { authorization: basic('todo-web', WEB_SECRET) });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_grant');
  });

  test('refresh tokens live for the idle limit; the family ends at its absolute lifetime', async () => {
    const { tokens } = await signIn();
    const now = Math.floor(Date.now() / 1000);
    const row = await server.store.db.kysely.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', sha256(tokens.refresh_token)).executeTakeFirstOrThrow();
    assert.ok(Math.abs(Number(row.expires_at) - (now + 900)) <= 2, 'a refresh token lives for the idle limit');
    const grant = await server.store.grants.get(row.grant_id);
    assert.ok(Math.abs(Number(grant!.expires_at) - (now + 7200)) <= 2, 'the family has an absolute end');
    await server.store.db.kysely.updateTable('refresh_tokens').set({ expires_at: now - 1 }).where('token_hash', '=', row.token_hash).execute();
    const res = await postForm(`${server.url}/token`, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, { authorization: basic('todo-web', WEB_SECRET) });
    assert.equal(res.status, 400, 'an idle family ends');
  });
});
