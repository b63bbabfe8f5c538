import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, basic, postForm, syncJobToken, CALENDAR, SYNC_SECRET, TEST_SECRET, type TestServer } from './helpers/server.js';
import { ALICE, WEB_REDIRECT, WEB_SECRET, browserConfig } from './helpers/users.js';
import { authorizationFlow, get, hiddenField, post } from './helpers/browser-flow.js';
import { runCli } from './helpers/cli.js';
import { sanitizeDetails } from '../src/audit/trail.js';

describe('the audit trail', () => {
  let server: TestServer;
  let env: Record<string, string>;
  const secrets: string[] = [ALICE.password, WEB_SECRET, SYNC_SECRET, TEST_SECRET];
  before(async () => {
    server = await startTestServer('sqlite', browserConfig());
    env = { LANEKEEPER_SECRET: TEST_SECRET, LANEKEEPER_DATABASE_URL: server.db.url, LANEKEEPER_LOG_LEVEL: 'silent' };
  });
  after(async () => {
    await server.stop();
  });

  test('every event type is recorded, and no event holds a secret or a token', async () => {
    // login.failed, login.succeeded, consent.granted
    await authorizationFlow(server, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope: 'openid', login: { email: ALICE.email, password: 'not-the-password' } }).catch(() => undefined);
    secrets.push('not-the-password');
    const flow = await authorizationFlow(server, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope: 'openid offline_access read:calendar', resource: CALENDAR, login: ALICE, consent: 'allow' });
    secrets.push(flow.code!, flow.verifier);
    // token.issued, code.replay_detected
    const redeem = () => postForm(`${server.url}/token`, { grant_type: 'authorization_code', code: flow.code!, code_verifier: flow.verifier, redirect_uri: WEB_REDIRECT }, { authorization: basic('todo-web', WEB_SECRET) });
    const tokens = (await (await redeem()).json()) as Record<string, string>;
    secrets.push(tokens.access_token!, tokens.id_token!, tokens.refresh_token!);
    await redeem();
    // refresh.reuse_detected (the code replay revoked the family; a fresh one shows reuse)
    const flow2 = await authorizationFlow(server, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope: 'openid offline_access read:calendar', resource: CALENDAR, jar: flow.jar });
    const t2 = (await (await postForm(`${server.url}/token`, { grant_type: 'authorization_code', code: flow2.code!, code_verifier: flow2.verifier, redirect_uri: WEB_REDIRECT }, { authorization: basic('todo-web', WEB_SECRET) })).json()) as Record<string, string>;
    secrets.push(t2.refresh_token!, t2.access_token!);
    const refresh = () => postForm(`${server.url}/token`, { grant_type: 'refresh_token', refresh_token: t2.refresh_token! }, { authorization: basic('todo-web', WEB_SECRET) });
    const r1 = (await (await refresh()).json()) as Record<string, string>;
    secrets.push(r1.refresh_token!, r1.access_token!);
    await refresh();
    secrets.push(String((await syncJobToken(server, { resource: CALENDAR })).access_token));
    // consent.revoked: "Remove access" on the account page, which needs the page's CSRF token
    const accountPage = await get(`${server.url}/account`, flow.jar);
    assert.equal(accountPage.status, 200);
    const accountCsrf = hiddenField(await accountPage.text(), 'csrf');
    secrets.push(accountCsrf);
    assert.equal((await post(`${server.url}/account/revoke`, { client_id: 'todo-web' }, flow.jar)).status, 403, 'no CSRF token: refused');
    assert.equal((await post(`${server.url}/account/revoke`, { client_id: 'todo-web', csrf: 'forged' }, flow.jar)).status, 403, 'a wrong CSRF token: refused');
    await server.audit.flush();
    assert.equal((await server.store.events.list({ type: 'consent.revoked' })).length, 0, 'nothing was revoked by the refused posts');
    assert.equal((await post(`${server.url}/account/revoke`, { client_id: 'todo-web', csrf: accountCsrf }, flow.jar)).status, 303);
    // logout
    const page = await get(`${server.url}/logout?id_token_hint=${tokens.id_token}`, flow.jar);
    const html = await page.text();
    await post(`${server.url}/logout`, { interaction: hiddenField(html, 'interaction'), csrf: hiddenField(html, 'csrf'), decision: 'logout' }, flow.jar);
    await server.audit.flush();
    // admin changes through the CLI: client.changed (secret shown once), api.changed, user.changed, key.rotated, grant.revoked
    const added = JSON.parse((await runCli(['client', 'add', 'audited', '--grant', 'client_credentials', '--api', `${CALENDAR}=read:calendar`, '--json'], env)).stdout) as { client_secret: string };
    secrets.push(added.client_secret);
    await runCli(['client', 'rotate-secret', 'audited'], env);
    await runCli(['api', 'add', 'https://audited.example.com'], env);
    await runCli(['user', 'add', 'audited@example.com', '--password-stdin'], env, 'audited-password-1\n');
    secrets.push('audited-password-1');
    await runCli(['key', 'rotate', '--alg', 'ES256'], env);
    const grants = JSON.parse((await runCli(['grant', 'list', '--all', '--json'], env)).stdout) as { id: string }[];
    await runCli(['grant', 'revoke', grants[0]!.id], env);

    const result = await runCli(['events', '--since', '1h', '--json'], env);
    assert.equal(result.code, 0, result.stderr);
    const events = JSON.parse(result.stdout) as { type: string; actor: string; details: Record<string, unknown> }[];
    const types = new Set(events.map((e) => e.type));
    for (const type of ['login.failed', 'login.succeeded', 'consent.granted', 'consent.revoked', 'token.issued', 'code.replay_detected', 'refresh.reuse_detected', 'logout', 'client.changed', 'api.changed', 'user.changed', 'key.rotated', 'grant.revoked']) {
      assert.ok(types.has(type), `an event of type ${type}`);
    }
    const issued = events.find((e) => e.type === 'token.issued' && e.details.grant_type === 'client_credentials');
    assert.equal(issued?.details.api, CALENDAR);
    for (const type of ['client.changed', 'api.changed', 'user.changed', 'key.rotated', 'grant.revoked']) {
      assert.ok(events.some((e) => e.type === type && e.actor === 'cli'), `${type} names the CLI as its actor`);
    }
    const failed = events.find((e) => e.type === 'login.failed');
    assert.equal(failed?.details.reason, 'bad_credentials');
    const everything = result.stdout + (await runCli(['events', '--since', '1h'], env)).stdout;
    for (const s of secrets) assert.ok(!everything.includes(s), `an event holds a secret or token (${s.slice(0, 6)}…)`);
    const onlyLogins = JSON.parse((await runCli(['events', '--type', 'login.*', '--json'], env)).stdout) as { type: string }[];
    assert.ok(onlyLogins.length >= 2 && onlyLogins.every((e) => e.type.startsWith('login.')));
  });

  test('details that look like secrets or tokens are dropped or masked', () => {
    const clean = sanitizeDetails({ password: 'p', client_secret: 's', note: 'eyJhbGciOiJFUzI1NiJ9.e30.sig', list: ['lk_rt_abc', 'ok'], grant_type: 'refresh_token', api: 'https://x' });
    assert.deepEqual(clean, { note: '[redacted]', list: ['[redacted]', 'ok'], grant_type: 'refresh_token', api: 'https://x' });
  });
});
