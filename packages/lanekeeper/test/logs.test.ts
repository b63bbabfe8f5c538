import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, CALENDAR, CONTACTS, SYNC_SECRET, CALENDAR_API_SECRET, CONTACTS_API_SECRET, TEST_SECRET, basic, postForm, syncJobToken } from './helpers/server.js';
import { ALICE, WEB_REDIRECT, WEB_SECRET, browserConfig } from './helpers/users.js';
import { authorizationFlow, get, hiddenField, post } from './helpers/browser-flow.js';

describe('logs', () => {
  test('a full run at trace level logs no token, secret or credential', async () => {
    const server = await startTestServer('sqlite', undefined, { logLevel: 'trace' });
    const secrets = [SYNC_SECRET, CALENDAR_API_SECRET, CONTACTS_API_SECRET, TEST_SECRET, 'calendar-reader-secret-0123'];
    try {
      for (const resource of [CALENDAR, CONTACTS]) {
        const { access_token } = await syncJobToken(server, { resource });
        secrets.push(String(access_token));
        await postForm(`${server.url}/introspect`, { token: String(access_token) }, { authorization: basic('calendar-api', CALENDAR_API_SECRET) });
        await postForm(`${server.url}/introspect?token=${access_token}`, { token: String(access_token) }, { authorization: basic('contacts-api', CONTACTS_API_SECRET) });
        await postForm(`${server.url}/revoke`, { token: String(access_token) }, { authorization: basic('sync-job', SYNC_SECRET) });
      }
      // Failures log too: wrong secrets, secrets in the body, a token in a query string.
      await postForm(`${server.url}/token`, { grant_type: 'client_credentials', client_id: 'calendar-reader', client_secret: 'calendar-reader-secret-0123', resource: CALENDAR });
      await postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { authorization: basic('sync-job', 'a-wrong-secret-that-is-long') });
      secrets.push('a-wrong-secret-that-is-long');
      await fetch(`${server.url}/jwks?access_token=${secrets[5]}`);
      await postForm(`${server.url}/token`, { grant_type: 'client_credentials', padding: 'x'.repeat(70_000) }, { authorization: basic('sync-job', SYNC_SECRET) });
    } finally {
      await server.stop();
    }
    const log = server.logs.join('');
    assert.ok(log.includes('"path":"/token"'), 'requests were logged');
    assert.ok(server.logs.length > 10, 'there is something to search');
    const basicHeader = basic('sync-job', SYNC_SECRET).slice(6);
    for (const secret of [...secrets, basicHeader]) assert.ok(!log.includes(secret), `log contains a secret or token (${secret.slice(0, 8)}…)`);
    assert.ok(!log.includes('authorization'), 'no headers logged');
  });
});

describe('logs of the human lane', () => {
  test('a sign-in, token exchange, refresh, userinfo and logout at trace level log no password, code, token, cookie or CSRF value', async () => {
    const server = await startTestServer('sqlite', browserConfig(), { logLevel: 'trace' });
    const secrets = [ALICE.password, WEB_SECRET, TEST_SECRET, 'a-wrong-password-for-alice'];
    try {
      await authorizationFlow(server, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope: 'openid', login: { email: ALICE.email, password: 'a-wrong-password-for-alice' } }).catch(() => undefined);
      const flow = await authorizationFlow(server, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope: 'openid profile offline_access read:calendar', resource: CALENDAR, login: ALICE, consent: 'allow' });
      secrets.push(flow.code!, flow.verifier, ...flow.jar.cookies.values());
      for (const page of flow.pages) secrets.push(hiddenField(page, 'csrf'), hiddenField(page, 'interaction'));
      const tokens = (await (await postForm(`${server.url}/token`, { grant_type: 'authorization_code', code: flow.code!, code_verifier: flow.verifier, redirect_uri: WEB_REDIRECT }, { authorization: basic('todo-web', WEB_SECRET) })).json()) as Record<string, string>;
      secrets.push(tokens.access_token!, tokens.id_token!, tokens.refresh_token!);
      const refreshed = (await (await postForm(`${server.url}/token`, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, { authorization: basic('todo-web', WEB_SECRET) })).json()) as Record<string, string>;
      secrets.push(refreshed.access_token!, refreshed.id_token!, refreshed.refresh_token!);
      await postForm(`${server.url}/token`, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, { authorization: basic('todo-web', WEB_SECRET) }); // reuse
      await fetch(`${server.url}/userinfo`, { headers: { authorization: `Bearer ${refreshed.access_token}` } });
      await fetch(`${server.url}/userinfo`, { headers: { authorization: `Bearer ${refreshed.id_token}` } });
      const logoutPage = await get(`${server.url}/logout?id_token_hint=${refreshed.id_token}`, flow.jar);
      const html = await logoutPage.text();
      secrets.push(hiddenField(html, 'csrf'));
      await post(`${server.url}/logout`, { interaction: hiddenField(html, 'interaction'), csrf: hiddenField(html, 'csrf'), decision: 'logout' }, flow.jar);
    } finally {
      await server.stop();
    }
    const log = server.logs.join('');
    assert.ok(log.includes('"path":"/token"') && log.includes('/logout'), 'requests were logged');
    for (const secret of secrets.filter((s) => s.length >= 8)) assert.ok(!log.includes(secret), `log contains a secret or token (${secret.slice(0, 8)}…)`);
    assert.ok(!log.includes('cookie'), 'no cookie headers logged');
  });
});
