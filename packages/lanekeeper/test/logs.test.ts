import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, CALENDAR, CONTACTS, SYNC_SECRET, CALENDAR_API_SECRET, CONTACTS_API_SECRET, TEST_SECRET, basic, postForm, syncJobToken } from './helpers/server.js';

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
