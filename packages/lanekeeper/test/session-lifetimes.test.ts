import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, basic, postForm, CALENDAR, type TestServer } from './helpers/server.js';
import { ALICE, WEB_REDIRECT, WEB_SECRET, browserConfig } from './helpers/users.js';
import { authorizationFlow } from './helpers/browser-flow.js';
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
