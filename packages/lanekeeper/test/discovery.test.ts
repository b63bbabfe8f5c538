import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { startTestServer, baseConfig, SYNC_SECRET, CALENDAR, type TestServer } from './helpers/server.js';
import { sqliteDatabase } from './helpers/databases.js';
import { loadConfig } from '../src/config/load.js';
import { startServer } from '../src/http/server.js';
import { TEST_SECRET } from './helpers/server.js';

describe('discovery', () => {
  const servers: { stop(): Promise<void> }[] = [];
  after(async () => {
    for (const s of servers) await s.stop();
  });

  test('advertises exactly the implemented endpoints and S256 only', async () => {
    const server: TestServer = await startTestServer('sqlite');
    servers.push(server);
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const res = await fetch(`${server.url}${path}`);
      assert.equal(res.status, 200);
      const doc = (await res.json()) as Record<string, unknown>;
      assert.equal(doc.issuer, server.issuer);
      assert.equal(doc.token_endpoint, `${server.issuer}/token`);
      assert.deepEqual(doc.code_challenge_methods_supported, ['S256']);
      assert.deepEqual(doc.grant_types_supported, ['authorization_code', 'refresh_token', 'client_credentials']);
      assert.deepEqual(doc.response_types_supported, ['code']);
      assert.equal(doc.authorization_response_iss_parameter_supported, true);
      const endpoints = ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'introspection_endpoint', 'revocation_endpoint'];
      if (path.includes('openid')) endpoints.push('userinfo_endpoint', 'end_session_endpoint');
      for (const endpoint of endpoints) {
        const url = String(doc[endpoint]);
        const probe = await fetch(url, { method: endpoint === 'jwks_uri' ? 'GET' : 'POST' });
        assert.notEqual(probe.status, 404, `${endpoint} ${url} exists`);
      }
    }
    const jwks = (await (await fetch(`${server.url}/jwks`)).json()) as { keys: Record<string, unknown>[] };
    assert.ok(jwks.keys.length >= 6, 'next and current key for each of three algorithms');
    for (const k of jwks.keys) {
      assert.ok(!('d' in k) && !('p' in k), 'no private parts');
      assert.equal(k.use, 'sig');
    }
  });

  test('an issuer with a path serves both documents at the path-inserted URLs too', async () => {
    const db = sqliteDatabase();
    const probe = await startTestServer('sqlite');
    const port = new URL(probe.url).port;
    await probe.stop();
    const issuer = `http://127.0.0.1:${port}/tenant-a`;
    const config = loadConfig({ env: { LANEKEEPER_SECRET: TEST_SECRET, LANEKEEPER_DATABASE_URL: db.url, PORT: port, LANEKEEPER_LOG_LEVEL: 'silent', LANEKEEPER_ISSUER: issuer }, inline: baseConfig() });
    const server = await startServer(config);
    servers.push({ stop: async () => { await server.close(); await db.drop(); } });
    for (const path of ['/tenant-a/.well-known/openid-configuration', '/.well-known/openid-configuration/tenant-a', '/tenant-a/.well-known/oauth-authorization-server', '/.well-known/oauth-authorization-server/tenant-a']) {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      assert.equal(res.status, 200, path);
      assert.equal(((await res.json()) as { issuer: string }).issuer, issuer);
    }
    const oc = await client.discovery(new URL(issuer), 'sync-job', SYNC_SECRET, undefined, { execute: [client.allowInsecureRequests] });
    const tokens = await client.clientCredentialsGrant(oc, { resource: CALENDAR });
    assert.ok(tokens.access_token);
  });
});
