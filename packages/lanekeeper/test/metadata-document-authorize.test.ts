import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { startTestServer, postForm, CALENDAR, baseConfig, TEST_SECRET, type TestServer } from './helpers/server.js';
import { ALICE, browserConfig } from './helpers/users.js';
import { authorizationFlow, CookieJar, get } from './helpers/browser-flow.js';
import { startHttpsFixture, type HttpsFixture } from './helpers/https-fixture.js';
import { defaultConnect, type ConnectTarget } from '../src/clients/safe-fetch.js';
import { loadConfig } from '../src/config/load.js';

type Json = Record<string, unknown>;
const REDIRECT = 'http://127.0.0.1/callback';

function cimdConfig(fixture: HttpsFixture, extra: Json = {}): Record<string, unknown> {
  return {
    ...browserConfig(),
    client_id_metadata_documents: {
      enabled: true,
      apis: { [CALENDAR]: ['read:calendar', 'write:calendar'] },
      fetch_timeout: 1,
      development_fixture: { origin: fixture.origin, ca: fixture.ca },
      ...extra,
    },
  };
}

describe('Client ID Metadata Documents at the authorization server', () => {
  let fixture: HttpsFixture;
  let server: TestServer;
  const connects: ConnectTarget[] = [];
  const clientId = () => `${fixture.origin}/mcp/client.json`;
  before(async () => {
    fixture = await startHttpsFixture();
    const doc = (path: string, extra: Json = {}) => ({
      client_id: `${fixture.origin}${path}`,
      client_name: 'Example MCP client',
      logo_uri: 'https://mcp-client.example/logo.png',
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'none',
      ...extra,
    });
    fixture.json('/mcp/client.json', doc('/mcp/client.json'));
    fixture.json('/mcp/wrong-id.json', doc('/mcp/wrong-id.json', { client_id: 'https://someone-else.example/client.json' }));
    fixture.json('/mcp/secret.json', doc('/mcp/secret.json', { token_endpoint_auth_method: 'client_secret_basic' }));
    server = await startTestServer('sqlite', cimdConfig(fixture), {
      clientFetch: {
        // evil.example "resolves" to a private address; nothing else is looked up.
        resolve: async (host) => (host === 'evil.example' ? [{ address: '10.0.0.1', family: 4 }] : []),
        connect: (target) => {
          connects.push(target);
          return defaultConnect(target);
        },
      },
    });
  });
  after(async () => {
    await server?.stop();
    await fixture?.close();
  });

  test('both metadata documents advertise client_id_metadata_document_supported', async () => {
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const meta = (await (await fetch(`${server.issuer}${path}`)).json()) as Json;
      assert.equal(meta.client_id_metadata_document_supported, true, path);
      assert.equal(meta.registration_endpoint, undefined, 'dynamic registration is off');
    }
  });

  test('a client_id URL signs a person in: consent shows the host beside the self-asserted name and logo; tokens follow', async () => {
    const flow = await authorizationFlow(server, {
      clientId: clientId(),
      redirectUri: 'http://127.0.0.1:49152/callback',
      scope: 'openid offline_access read:calendar',
      resource: CALENDAR,
      login: ALICE,
      consent: 'allow',
    });
    assert.ok(flow.code);
    const consent = flow.pages.find((p) => p.includes('name="decision"'))!;
    const host = new URL(fixture.origin).host;
    assert.match(consent, new RegExp(`<strong>Example MCP client</strong> from <strong class="host-name">${host.replace(/\./g, '\\.')}</strong>`));
    assert.match(consent, new RegExp(`<p class="client-host">${host.replace(/\./g, '\\.')}</p>`));
    assert.match(consent, /<img src="https:\/\/mcp-client\.example\/logo\.png"/);

    const res = await postForm(`${server.url}/token`, { grant_type: 'authorization_code', code: flow.code!, code_verifier: flow.verifier, redirect_uri: 'http://127.0.0.1:49152/callback', client_id: clientId() });
    const body = (await res.json()) as Json;
    assert.equal(res.status, 200, JSON.stringify(body));
    const access = decodeJwt(String(body.access_token));
    assert.ok((access.aud as string[]).includes(CALENDAR));
    assert.equal(access.client_id, clientId());
    assert.equal(decodeJwt(String(body.id_token)).aud, clientId(), 'the ID token is for the client, named by its URL');
    assert.ok(body.refresh_token, 'the policy allows refresh tokens after consent to offline_access');

    const refreshed = await postForm(`${server.url}/token`, { grant_type: 'refresh_token', refresh_token: String(body.refresh_token), client_id: clientId() });
    assert.equal(refreshed.status, 200);
  });

  test('consent is shown every time, even when the person allowed the app before', async () => {
    const jar = new CookieJar();
    await authorizationFlow(server, { clientId: clientId(), redirectUri: REDIRECT, scope: 'read:calendar', resource: CALENDAR, login: ALICE, consent: 'allow', jar });
    const again = await authorizationFlow(server, { clientId: clientId(), redirectUri: REDIRECT, scope: 'read:calendar', resource: CALENDAR, consent: 'allow', jar });
    assert.equal(again.pages.filter((p) => p.includes('name="decision"')).length, 1, 'no login, but the consent page again');
  });

  test('scopes outside the policy are refused (to the verified redirect URI)', async () => {
    const jar = new CookieJar();
    const url = new URL(`${server.issuer}/authorize`);
    for (const [k, v] of Object.entries({ response_type: 'code', client_id: clientId(), redirect_uri: REDIRECT, code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256', scope: 'admin:calendar', resource: CALENDAR })) url.searchParams.set(k, v);
    const res = await get(url.toString(), jar);
    assert.equal(res.status, 303);
    const location = new URL(res.headers.get('location')!);
    assert.equal(location.origin + location.pathname, REDIRECT);
    assert.equal(location.searchParams.get('error'), 'invalid_scope');
  });

  const pageCases: [string, () => string, RegExp][] = [
    ['names another client_id', () => `${fixture.origin}/mcp/wrong-id.json`, /is not the URL it was fetched from/],
    ['declares client_secret_basic', () => `${fixture.origin}/mcp/secret.json`, /secret-based methods are refused/],
    ['is not there', () => `${fixture.origin}/mcp/missing.json`, /answered HTTP 404/],
    ['is on a host that resolves to a private address', () => 'https://evil.example/client.json', /resolves to 10\.0\.0\.1, which is not a public address/],
  ];
  for (const [label, id, reason] of pageCases) {
    test(`a metadata document that ${label} gets an error page, never a redirect`, async () => {
      const url = new URL(`${server.issuer}/authorize`);
      for (const [k, v] of Object.entries({ response_type: 'code', client_id: id(), redirect_uri: 'https://attacker.example/cb', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })) url.searchParams.set(k, v);
      const res = await fetch(url, { redirect: 'manual' });
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('location'), null);
      const html = await res.text();
      assert.match(html, /client metadata document/);
      assert.match(html, reason);
    });
  }

  test('the private address was never connected to', () => {
    assert.ok(connects.length > 0, 'the fixture was connected to');
    assert.ok(connects.every((t) => t.address === '127.0.0.1'), JSON.stringify(connects.map((t) => t.address)));
  });

  test('a client_id URL on a server without metadata documents gets a page that says so', async () => {
    const plain = await startTestServer('sqlite', baseConfig());
    try {
      const meta = (await (await fetch(`${plain.issuer}/.well-known/oauth-authorization-server`)).json()) as Json;
      assert.equal(meta.client_id_metadata_document_supported, undefined);
      const res = await fetch(`${plain.issuer}/authorize?response_type=code&client_id=${encodeURIComponent(clientId())}&redirect_uri=${encodeURIComponent(REDIRECT)}`, { redirect: 'manual' });
      assert.equal(res.status, 400);
      assert.match(await res.text(), /Client ID Metadata Document\), which this server does not accept/);
    } finally {
      await plain.stop();
    }
  });

  test('NODE_ENV=production refuses to start with the development fixture switch on', () => {
    assert.throws(
      () =>
        loadConfig({
          env: { NODE_ENV: 'production', LANEKEEPER_ISSUER: 'https://id.example.com', LANEKEEPER_SECRET: TEST_SECRET, LANEKEEPER_DATABASE_URL: 'sqlite::memory:' },
          inline: cimdConfig(fixture),
        }),
      /development_fixture: a development and test switch; NODE_ENV=production refuses to start with it/,
    );
  });
});
