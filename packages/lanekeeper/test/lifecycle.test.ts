import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { postgresDatabase, type TestDatabase } from './helpers/databases.js';
import { startTestServer, basic, postForm, CALENDAR, TEST_SECRET, type TestServer } from './helpers/server.js';
import { ALICE, BOB, WEB_REDIRECT, WEB_SECRET, browserConfig } from './helpers/users.js';
import { authorizationFlow } from './helpers/browser-flow.js';
import { runCli } from './helpers/cli.js';

type Json = Record<string, unknown>;

describe('account lifecycle on two nodes sharing PostgreSQL', () => {
  let db: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  let env: Record<string, string>;
  before(async () => {
    db = await postgresDatabase();
    a = await startTestServer('postgres', browserConfig(), { db });
    b = await startTestServer('postgres', browserConfig(), { db });
    env = { LANEKEEPER_SECRET: TEST_SECRET, LANEKEEPER_DATABASE_URL: db.url, LANEKEEPER_LOG_LEVEL: 'silent' };
  });
  after(async () => {
    await a.stop();
    await b.stop();
    await db.drop();
  });

  async function signIn(user: { email: string; password: string }, scope = 'openid offline_access read:calendar write:calendar') {
    const flow = await authorizationFlow(a, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope, resource: CALENDAR, login: user, consent: 'allow' });
    const res = await postForm(`${a.url}/token`, { grant_type: 'authorization_code', code: flow.code!, code_verifier: flow.verifier, redirect_uri: WEB_REDIRECT }, { authorization: basic('todo-web', WEB_SECRET) });
    return { flow, tokens: (await res.json()) as Json };
  }
  const refreshOn = async (server: TestServer, token: string) => {
    const res = await postForm(`${server.url}/token`, { grant_type: 'refresh_token', refresh_token: token }, { authorization: basic('todo-web', WEB_SECRET) });
    return { status: res.status, body: (await res.json()) as Json };
  };

  test('disabling a user ends the session at once and their refresh token fails on the other node', async () => {
    const { flow, tokens } = await signIn(BOB, 'openid offline_access read:calendar');
    const disabled = await runCli(['user', 'disable', BOB.email], env);
    assert.equal(disabled.code, 0, disabled.stderr);
    const again = authorizationFlow(a, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope: 'openid', jar: flow.jar });
    await assert.rejects(again, /login page shown/, 'the next /authorize asks for the password');
    const r = await refreshOn(b, String(tokens.refresh_token));
    assert.equal(r.status, 400);
    assert.equal(r.body.error, 'invalid_grant');
    await assert.rejects(authorizationFlow(b, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope: 'openid', login: BOB, consent: 'allow' }), /login failed/, 'a disabled user cannot sign in');
    assert.equal((await runCli(['user', 'enable', BOB.email], env)).code, 0);
    const back = await authorizationFlow(b, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope: 'openid', login: BOB, consent: 'allow' });
    assert.ok(back.code);
  });

  test('a removed permission never reappears: the next refresh yields a token without it', async () => {
    const { tokens } = await signIn(ALICE);
    assert.match(String(decodeJwt(String(tokens.access_token)).scope), /write:calendar/);
    const changed = await runCli(['user', 'add', ALICE.email, '--no-password', '--permission', `${CALENDAR}=read:calendar`], env);
    assert.equal(changed.code, 0, changed.stderr);
    const r = await refreshOn(b, String(tokens.refresh_token));
    assert.equal(r.status, 200);
    assert.doesNotMatch(String(decodeJwt(String(r.body.access_token)).scope), /write:calendar/);
    assert.match(String(decodeJwt(String(r.body.access_token)).scope), /read:calendar/);
  });

  test('changing a password ends sessions and revokes refresh families', async () => {
    const { flow, tokens } = await signIn(ALICE, 'openid offline_access read:calendar');
    const res = await runCli(['user', 'set-password', ALICE.email, '--password-stdin'], env, 'a-brand-new-password-1\n');
    assert.equal(res.code, 0, res.stderr);
    assert.equal((await refreshOn(b, String(tokens.refresh_token))).status, 400);
    await assert.rejects(authorizationFlow(a, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope: 'openid', jar: flow.jar }), /login page shown/);
  });

  test('removing a user ends their session at once and their refresh token fails on the other node', async () => {
    const carol = { email: 'carol@example.com', password: 'carol-password-0123' };
    const added = await runCli(['user', 'add', carol.email, '--password-stdin'], env, `${carol.password}\n`);
    assert.equal(added.code, 0, added.stderr);
    const { flow, tokens } = await signIn(carol, 'openid offline_access');
    assert.match(String(tokens.refresh_token), /^lk_rt_/);
    assert.equal((await refreshOn(b, String(tokens.refresh_token))).status, 200, 'the family works on the other node before the removal');
    const { tokens: fresh } = await signIn(carol, 'openid offline_access');
    const removed = await runCli(['user', 'remove', carol.email], env);
    assert.equal(removed.code, 0, removed.stderr);
    await assert.rejects(authorizationFlow(a, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope: 'openid', jar: flow.jar }), /login page shown/);
    const r = await refreshOn(b, String(fresh.refresh_token));
    assert.equal(r.status, 400);
    assert.equal(r.body.error, 'invalid_grant');
  });

  test('grant list and grant revoke from the CLI', async () => {
    const { tokens } = await signIn(BOB, 'openid offline_access read:calendar');
    const list = await runCli(['grant', 'list', '--user', BOB.email, '--json'], env);
    assert.equal(list.code, 0, list.stderr);
    const grants = JSON.parse(list.stdout) as { id: string; client: string }[];
    assert.ok(grants.length >= 1);
    assert.equal(grants[0]!.client, 'todo-web');
    for (const g of grants) assert.equal((await runCli(['grant', 'revoke', g.id], env)).code, 0);
    assert.equal((await refreshOn(a, String(tokens.refresh_token))).status, 400);
  });
});

describe('a role that loses a permission', () => {
  let db: TestDatabase;
  let a: TestServer;
  before(async () => {
    db = await postgresDatabase();
    a = await startTestServer('postgres', browserConfig(), { db });
  });
  after(async () => {
    await a.stop();
    await db.drop();
  });

  test("its members' next refresh drops the scope; what they hold directly stays", async () => {
    const flow = await authorizationFlow(a, {
      clientId: 'todo-web',
      redirectUri: WEB_REDIRECT,
      scope: 'openid offline_access read:calendar write:calendar',
      resource: CALENDAR,
      login: ALICE,
      consent: 'allow',
    });
    const res = await postForm(`${a.url}/token`, { grant_type: 'authorization_code', code: flow.code!, code_verifier: flow.verifier, redirect_uri: WEB_REDIRECT }, { authorization: basic('todo-web', WEB_SECRET) });
    const tokens = (await res.json()) as Json;
    const scopesOf = (token: unknown) => String(decodeJwt(String(token)).scope).split(' ');
    assert.deepEqual(scopesOf(tokens.access_token).filter((s) => s.endsWith(':calendar')).sort(), ['read:calendar', 'write:calendar']);

    // The operator edits the role in the config file; a node (re)starting with it imports the new definition.
    const edited = browserConfig();
    edited.roles = [{ name: 'calendar-reader', permissions: {} }];
    const b = await startTestServer('postgres', edited, { db });
    try {
      const refreshed = await postForm(`${a.url}/token`, { grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token) }, { authorization: basic('todo-web', WEB_SECRET) });
      assert.equal(refreshed.status, 200);
      const scopes = scopesOf(((await refreshed.json()) as Json).access_token);
      assert.ok(!scopes.includes('read:calendar'), `read:calendar came only from the role: ${scopes.join(' ')}`);
      assert.ok(scopes.includes('write:calendar'), `write:calendar is Alice's own: ${scopes.join(' ')}`);
    } finally {
      await b.stop();
    }
  });
});
