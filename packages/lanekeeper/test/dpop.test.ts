import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import * as oauth from 'oauth4webapi';
import { calculateJwkThumbprint, decodeJwt, generateKeyPair, exportJWK, SignJWT } from 'jose';
import { postgresDatabase, type TestDatabase } from './helpers/databases.js';
import { startTestServer, basic, postForm, CALENDAR, CONTACTS, CONTACTS_API_SECRET, SYNC_SECRET, type TestServer } from './helpers/server.js';
import { ALICE, SPA_REDIRECT, WEB_REDIRECT, WEB_SECRET, browserConfig } from './helpers/users.js';
import { authorizationFlow, followAuthorization } from './helpers/browser-flow.js';
import { makeProof, proofKey, type ProofKey } from './helpers/dpop.js';

type Json = Record<string, unknown>;
const insecure = { execute: [client.allowInsecureRequests] };

function config(): Record<string, unknown> {
  const c = browserConfig();
  (c.clients as Json[]).push({ client_id: 'bound-job', client_secret: 'bound-job-secret-0123456789', grant_types: ['client_credentials'], dpop_bound_access_tokens: true, apis: { [CALENDAR]: ['read:calendar'] } });
  return c;
}

describe('DPoP (RFC 9449) at the token endpoint and userinfo', () => {
  let server: TestServer;
  let key: ProofKey;
  const tokenUrl = () => `${server.issuer}/token`;
  before(async () => {
    server = await startTestServer('sqlite', config());
    key = await proofKey();
  });
  after(async () => {
    await server.stop();
  });

  const cc = (headers: Record<string, string>, form: Record<string, string> = { resource: CALENDAR }) =>
    postForm(tokenUrl(), { grant_type: 'client_credentials', ...form }, { authorization: basic('sync-job', SYNC_SECRET), ...headers });

  test('openid-client with a DPoP handle: code flow, refresh and userinfo with bound tokens', async () => {
    const oc = await client.discovery(new URL(server.issuer), 'todo-web', WEB_SECRET, undefined, insecure);
    const keyPair = await client.randomDPoPKeyPair('ES256');
    const dpop = client.getDPoPHandle(oc, keyPair);
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(oc, { redirect_uri: WEB_REDIRECT, scope: 'openid email offline_access read:calendar', resource: CALENDAR, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 'd1' });
    const flow = await followAuthorization(server, url.href, { login: ALICE, consent: 'allow' });
    const tokens = await client.authorizationCodeGrant(oc, flow.redirect, { pkceCodeVerifier: verifier, expectedState: 'd1' }, undefined, { DPoP: dpop });
    assert.equal(tokens.token_type.toLowerCase(), 'dpop');
    const cnf = decodeJwt(tokens.access_token).cnf as { jkt: string };
    assert.equal(cnf.jkt, await calculateJwkThumbprint(await exportJWK(keyPair.publicKey)));
    const info = await client.fetchUserInfo(oc, tokens.access_token, tokens.claims()!.sub, { DPoP: dpop });
    assert.equal(info.email, ALICE.email);
    const refreshed = await client.refreshTokenGrant(oc, tokens.refresh_token!, undefined, { DPoP: dpop });
    assert.equal((decodeJwt(refreshed.access_token).cnf as { jkt: string }).jkt, cnf.jkt);
  });

  test('oauth4webapi with a DPoP handle: client credentials gives a token bound to the client key', async () => {
    const as = await oauth.processDiscoveryResponse(new URL(server.issuer), await oauth.discoveryRequest(new URL(server.issuer), { [oauth.allowInsecureRequests]: true }));
    const c = { client_id: 'sync-job' };
    const keyPair = await oauth.generateKeyPair('ES256');
    const DPoP = oauth.DPoP(c, keyPair);
    const res = await oauth.clientCredentialsGrantRequest(as, c, oauth.ClientSecretBasic(SYNC_SECRET), { resource: CALENDAR }, { DPoP, [oauth.allowInsecureRequests]: true });
    const body = await oauth.processClientCredentialsResponse(as, c, res);
    assert.equal(body.token_type, 'dpop');
    const expected = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey));
    assert.equal((decodeJwt(body.access_token).cnf as { jkt: string }).jkt, expected);
  });

  test('an opaque token bound by DPoP introspects with cnf.jkt and token_type DPoP', async () => {
    const res = await cc({ dpop: await makeProof(key, { htu: tokenUrl() }) }, { resource: CONTACTS });
    const body = (await res.json()) as Json;
    assert.equal(body.token_type, 'DPoP');
    const intro = (await (await postForm(`${server.url}/introspect`, { token: String(body.access_token) }, { authorization: basic('contacts-api', CONTACTS_API_SECRET) })).json()) as Json;
    assert.equal(intro.token_type, 'DPoP');
    assert.deepEqual(intro.cnf, { jkt: key.jkt });
    const revoked = await postForm(`${server.url}/revoke`, { token: String(body.access_token) }, { authorization: basic('sync-job', SYNC_SECRET) });
    assert.equal(revoked.status, 200);
    const after = (await (await postForm(`${server.url}/introspect`, { token: String(body.access_token) }, { authorization: basic('contacts-api', CONTACTS_API_SECRET) })).json()) as Json;
    assert.equal(after.active, false);
  });

  const refusals: [string, () => Promise<string>][] = [
    ['wrong htm', () => makeProof(key, { htu: `${server.issuer}/token`, htm: 'GET' })],
    ['wrong htu', () => makeProof(key, { htu: `${server.issuer}/other` })],
    ['stale iat', () => makeProof(key, { htu: `${server.issuer}/token`, iat: Math.floor(Date.now() / 1000) - 3600 })],
    ['alg none', async () => {
      const h = Buffer.from(JSON.stringify({ typ: 'dpop+jwt', alg: 'none', jwk: key.publicJwk })).toString('base64url');
      const p = Buffer.from(JSON.stringify({ htm: 'POST', htu: `${server.issuer}/token`, iat: Math.floor(Date.now() / 1000), jti: 'n1' })).toString('base64url');
      return `${h}.${p}.`;
    }],
    ['HS256', () => new SignJWT({ htm: 'POST', htu: `${server.issuer}/token`, iat: Math.floor(Date.now() / 1000), jti: 'h1' }).setProtectedHeader({ typ: 'dpop+jwt', alg: 'HS256', jwk: key.publicJwk } as never).sign(new TextEncoder().encode('x'.repeat(32)))],
    ['a private key in jwk', async () => {
      const pair = await generateKeyPair('ES256', { extractable: true });
      return makeProof(key, { htu: `${server.issuer}/token`, header: { jwk: await exportJWK(pair.privateKey) }, signWith: pair.privateKey });
    }],
    ['signed by another key than its jwk', async () => makeProof(key, { htu: `${server.issuer}/token`, signWith: (await generateKeyPair('ES256')).privateKey })],
    ['typ JWT', () => makeProof(key, { htu: `${server.issuer}/token`, header: { typ: 'JWT' } })],
  ];
  for (const [name, make] of refusals) {
    test(`the token endpoint refuses a proof with ${name}: 400 invalid_dpop_proof`, async () => {
      const res = await cc({ dpop: await make() });
      assert.equal(res.status, 400);
      const body = (await res.json()) as Json;
      assert.equal(body.error, 'invalid_dpop_proof');
      assert.ok(String(body.error_description).length > 10);
    });
  }

  test('a replayed proof (same jti) is refused', async () => {
    const proof = await makeProof(key, { htu: tokenUrl() });
    assert.equal((await cc({ dpop: proof })).status, 200);
    const again = await cc({ dpop: proof });
    assert.equal(((await again.json()) as Json).error, 'invalid_dpop_proof');
  });

  test('a client registered with dpop_bound_access_tokens must send a proof', async () => {
    const res = await postForm(tokenUrl(), { grant_type: 'client_credentials' }, { authorization: basic('bound-job', 'bound-job-secret-0123456789') });
    assert.equal(res.status, 400);
    const body = (await res.json()) as Json;
    assert.equal(body.error, 'invalid_dpop_proof');
    assert.match(String(body.error_description), /required/);
    const ok = await postForm(tokenUrl(), { grant_type: 'client_credentials' }, { authorization: basic('bound-job', 'bound-job-secret-0123456789'), dpop: await makeProof(key, { htu: tokenUrl() }) });
    assert.equal(ok.status, 200);
  });

  test('userinfo: a bound token as Bearer is refused with a DPoP challenge; a proof without or with a wrong ath is refused', async () => {
    const flow = await authorizationFlow(server, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope: 'openid email', login: ALICE, consent: 'allow' });
    const res = await postForm(tokenUrl(), { grant_type: 'authorization_code', code: flow.code!, code_verifier: flow.verifier, redirect_uri: WEB_REDIRECT }, { authorization: basic('todo-web', WEB_SECRET), dpop: await makeProof(key, { htu: tokenUrl() }) });
    const { access_token } = (await res.json()) as { access_token: string };
    const userinfo = `${server.issuer}/userinfo`;
    const asBearer = await fetch(userinfo, { headers: { authorization: `Bearer ${access_token}` } });
    assert.equal(asBearer.status, 401);
    assert.match(String(asBearer.headers.get('www-authenticate')), /^DPoP .*error="invalid_token".*DPoP-bound/);
    const noAth = await fetch(userinfo, { headers: { authorization: `DPoP ${access_token}`, dpop: await makeProof(key, { htm: 'GET', htu: userinfo }) } });
    assert.equal(noAth.status, 401);
    assert.match(String(noAth.headers.get('www-authenticate')), /invalid_dpop_proof/);
    const wrongAth = await fetch(userinfo, { headers: { authorization: `DPoP ${access_token}`, dpop: await makeProof(key, { htm: 'GET', htu: userinfo, accessToken: 'another-token' }) } });
    assert.equal(wrongAth.status, 401);
    const otherKey = await proofKey();
    const wrongKey = await fetch(userinfo, { headers: { authorization: `DPoP ${access_token}`, dpop: await makeProof(otherKey, { htm: 'GET', htu: userinfo, accessToken: access_token }) } });
    assert.equal(wrongKey.status, 401);
    const ok = await fetch(userinfo, { headers: { authorization: `DPoP ${access_token}`, dpop: await makeProof(key, { htm: 'GET', htu: userinfo, accessToken: access_token }) } });
    assert.equal(ok.status, 200);
  });

  test("a public client's refresh token is bound to its key: no proof or another key fails", async () => {
    const flow = await authorizationFlow(server, { clientId: 'todo-spa', redirectUri: SPA_REDIRECT, scope: 'openid offline_access read:calendar', resource: CALENDAR, login: ALICE, consent: 'allow' });
    const res = await postForm(tokenUrl(), { grant_type: 'authorization_code', client_id: 'todo-spa', code: flow.code!, code_verifier: flow.verifier, redirect_uri: SPA_REDIRECT }, { dpop: await makeProof(key, { htu: tokenUrl() }) });
    const { refresh_token } = (await res.json()) as { refresh_token: string };
    assert.ok(refresh_token);
    const refresh = (headers: Record<string, string>) => postForm(tokenUrl(), { grant_type: 'refresh_token', client_id: 'todo-spa', refresh_token }, headers);
    const without = await refresh({});
    assert.equal(((await without.json()) as Json).error, 'invalid_dpop_proof');
    const other = await refresh({ dpop: await makeProof(await proofKey(), { htu: tokenUrl() }) });
    assert.equal(((await other.json()) as Json).error, 'invalid_dpop_proof');
    const same = await refresh({ dpop: await makeProof(key, { htu: tokenUrl() }) });
    assert.equal(same.status, 200, 'refused attempts did not spend the token');
  });

  test('a code bound with dpop_jkt must be redeemed with a proof from that key', async () => {
    const flow = await authorizationFlow(server, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope: 'openid', params: { dpop_jkt: key.jkt }, login: ALICE, consent: 'allow' });
    const redeem = (headers: Record<string, string>) =>
      postForm(tokenUrl(), { grant_type: 'authorization_code', code: flow.code!, code_verifier: flow.verifier, redirect_uri: WEB_REDIRECT }, { authorization: basic('todo-web', WEB_SECRET), ...headers });
    const wrong = await redeem({ dpop: await makeProof(await proofKey(), { htu: tokenUrl() }) });
    assert.equal(((await wrong.json()) as Json).error, 'invalid_dpop_proof');
    const right = await redeem({ dpop: await makeProof(key, { htu: tokenUrl() }) });
    assert.equal(right.status, 200);
  });

  test('discovery advertises the DPoP algorithms', async () => {
    const doc = (await (await fetch(`${server.issuer}/.well-known/oauth-authorization-server`)).json()) as Json;
    assert.deepEqual(doc.dpop_signing_alg_values_supported, ['ES256', 'EdDSA', 'RS256', 'PS256']);
  });
});

describe('DPoP server nonces', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('sqlite', { ...config(), dpop: { require_nonce: true } });
  });
  after(async () => {
    await server.stop();
  });

  test('use_dpop_nonce with a DPoP-Nonce header; a client that retries with it succeeds (raw and openid-client)', async () => {
    const key = await proofKey();
    const first = await postForm(`${server.issuer}/token`, { grant_type: 'client_credentials', resource: CALENDAR }, { authorization: basic('sync-job', SYNC_SECRET), dpop: await makeProof(key, { htu: `${server.issuer}/token` }) });
    assert.equal(first.status, 400);
    assert.equal(((await first.json()) as Json).error, 'use_dpop_nonce');
    const nonce = first.headers.get('dpop-nonce');
    assert.ok(nonce);
    const second = await postForm(`${server.issuer}/token`, { grant_type: 'client_credentials', resource: CALENDAR }, { authorization: basic('sync-job', SYNC_SECRET), dpop: await makeProof(key, { htu: `${server.issuer}/token`, nonce }) });
    assert.equal(second.status, 200);

    const oc = await client.discovery(new URL(server.issuer), 'sync-job', SYNC_SECRET, client.ClientSecretBasic(SYNC_SECRET), insecure);
    const dpop = client.getDPoPHandle(oc, await client.randomDPoPKeyPair('ES256'));
    const tokens = await client.clientCredentialsGrant(oc, { resource: CALENDAR }, { DPoP: dpop }).catch(async (err) => {
      if (client.ResponseBodyError && err instanceof client.ResponseBodyError && err.error === 'use_dpop_nonce') return client.clientCredentialsGrant(oc, { resource: CALENDAR }, { DPoP: dpop });
      throw err;
    });
    assert.equal(tokens.token_type.toLowerCase(), 'dpop');
  });
});

describe('DPoP across two nodes on one PostgreSQL', () => {
  let db: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    db = await postgresDatabase();
    a = await startTestServer('postgres', { ...config(), dpop: { require_nonce: true } }, { db });
    b = await startTestServer('postgres', { ...config(), dpop: { require_nonce: true } }, { db });
  });
  after(async () => {
    await a.stop();
    await b.stop();
    await db.drop();
  });

  test('a nonce minted by one node is accepted by the other, and a proof used on one is a replay on the other', async () => {
    const key = await proofKey();
    const first = await postForm(`${a.url}/token`, { grant_type: 'client_credentials', resource: CALENDAR }, { authorization: basic('sync-job', SYNC_SECRET), dpop: await makeProof(key, { htu: `${a.issuer}/token` }) });
    const nonce = first.headers.get('dpop-nonce')!;
    assert.ok(nonce);
    // Both nodes share the issuer's URL in production; here each has its own port, so htu names the node.
    const onB = await postForm(`${b.url}/token`, { grant_type: 'client_credentials', resource: CALENDAR }, { authorization: basic('sync-job', SYNC_SECRET), dpop: await makeProof(key, { htu: `${b.issuer}/token`, nonce, jti: 'shared-jti' }) });
    assert.equal(onB.status, 200, await onB.clone().text());
    const replayOnA = await postForm(`${a.url}/token`, { grant_type: 'client_credentials', resource: CALENDAR }, { authorization: basic('sync-job', SYNC_SECRET), dpop: await makeProof(key, { htu: `${a.issuer}/token`, nonce, jti: 'shared-jti' }) });
    assert.equal(replayOnA.status, 400);
    assert.equal(((await replayOnA.json()) as Json).error, 'invalid_dpop_proof');
  });
});
