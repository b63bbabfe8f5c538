import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import * as oauth from 'oauth4webapi';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, decodeJwt, generateKeyPair, exportJWK, SignJWT } from 'jose';
import { messages } from '@lanekeeper/guard/lanes';
import { serveProcess, type ServeProcess } from './helpers/cli.js';
import { postgresDatabase, type TestDatabase } from './helpers/databases.js';
import { startTestServer, basic, postForm, CALENDAR, CONTACTS, CONTACTS_API_SECRET, SYNC_SECRET, TEST_SECRET, type TestServer } from './helpers/server.js';
import { ALICE, SPA_REDIRECT, WEB_REDIRECT, WEB_SECRET, browserConfig } from './helpers/users.js';
import { authorizationFlow, followAuthorization } from './helpers/browser-flow.js';
import { makeProof, proofKey, type ProofKey } from './helpers/dpop.js';

type Json = Record<string, unknown>;
const insecure = { execute: [client.allowInsecureRequests] };

/**
 * Asserts a token-endpoint refusal: the status, the error, the exact description (so the
 * proof was refused for the reason the test broke, not another) and Cache-Control: no-store.
 */
async function assertTokenError(res: Response, expected: { status?: number; error: string; description: string | RegExp }): Promise<void> {
  const body = (await res.json()) as Json;
  assert.equal(res.status, expected.status ?? 400, JSON.stringify(body));
  assert.equal(body.error, expected.error, JSON.stringify(body));
  if (typeof expected.description === 'string') assert.equal(body.error_description, expected.description);
  else assert.match(String(body.error_description), expected.description);
  assert.equal(res.headers.get('cache-control'), 'no-store');
}

/** Asserts a userinfo refusal: 401 and a DPoP challenge naming the error and the reason. */
function assertUserinfoRefusal(res: Response, error: string, description: string): void {
  assert.equal(res.status, 401);
  const challenge = String(res.headers.get('www-authenticate'));
  assert.match(challenge, /^DPoP /, challenge);
  assert.ok(challenge.includes(`error="${error}"`), challenge);
  assert.ok(challenge.includes(`error_description="${description}"`), challenge);
}

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
    const c: oauth.Client = { client_id: 'sync-job' };
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

  const refusals: [string, () => Promise<string>, string][] = [
    ['wrong htm', () => makeProof(key, { htu: `${server.issuer}/token`, htm: 'GET' }), messages.proofHtm],
    ['wrong htu', () => makeProof(key, { htu: `${server.issuer}/other` }), messages.proofHtu],
    ['stale iat', () => makeProof(key, { htu: `${server.issuer}/token`, iat: Math.floor(Date.now() / 1000) - 3600 }), messages.proofIat],
    ['alg none', async () => {
      const h = Buffer.from(JSON.stringify({ typ: 'dpop+jwt', alg: 'none', jwk: key.publicJwk })).toString('base64url');
      const p = Buffer.from(JSON.stringify({ htm: 'POST', htu: `${server.issuer}/token`, iat: Math.floor(Date.now() / 1000), jti: 'n1' })).toString('base64url');
      return `${h}.${p}.`;
    }, messages.proofAlg(['ES256', 'EdDSA', 'RS256', 'PS256'])],
    ['HS256', () => new SignJWT({ htm: 'POST', htu: `${server.issuer}/token`, iat: Math.floor(Date.now() / 1000), jti: 'h1' }).setProtectedHeader({ typ: 'dpop+jwt', alg: 'HS256', jwk: key.publicJwk } as never).sign(new TextEncoder().encode('x'.repeat(32))), messages.proofAlg(['ES256', 'EdDSA', 'RS256', 'PS256'])],
    ['a private key in jwk', async () => {
      const pair = await generateKeyPair('ES256', { extractable: true });
      return makeProof(key, { htu: `${server.issuer}/token`, header: { jwk: await exportJWK(pair.privateKey) }, signWith: pair.privateKey });
    }, messages.proofPrivateKey],
    ['signed by another key than its jwk', async () => makeProof(key, { htu: `${server.issuer}/token`, signWith: (await generateKeyPair('ES256')).privateKey }), messages.proofSignature],
    ['typ JWT', () => makeProof(key, { htu: `${server.issuer}/token`, header: { typ: 'JWT' } }), messages.proofTyp],
  ];
  for (const [name, make, description] of refusals) {
    test(`the token endpoint refuses a proof with ${name}: 400 invalid_dpop_proof, saying why`, async () => {
      await assertTokenError(await cc({ dpop: await make() }), { error: 'invalid_dpop_proof', description });
    });
  }

  test('the token endpoint refuses two proofs in one request', async () => {
    const res = await fetch(tokenUrl(), {
      method: 'POST',
      headers: [['content-type', 'application/x-www-form-urlencoded'], ['authorization', basic('sync-job', SYNC_SECRET)], ['dpop', await makeProof(key, { htu: tokenUrl() })], ['dpop', await makeProof(key, { htu: tokenUrl() })]],
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: CALENDAR }),
    });
    await assertTokenError(res, { error: 'invalid_dpop_proof', description: /DPoP proof/ });
  });

  test('a replayed proof (same jti) is refused', async () => {
    const proof = await makeProof(key, { htu: tokenUrl() });
    assert.equal((await cc({ dpop: proof })).status, 200);
    await assertTokenError(await cc({ dpop: proof }), { error: 'invalid_dpop_proof', description: messages.proofReplay });
  });

  test('a client registered with dpop_bound_access_tokens must send a proof', async () => {
    const res = await postForm(tokenUrl(), { grant_type: 'client_credentials' }, { authorization: basic('bound-job', 'bound-job-secret-0123456789') });
    await assertTokenError(res, { error: 'invalid_dpop_proof', description: 'a DPoP proof is required for this client' });
    const ok = await postForm(tokenUrl(), { grant_type: 'client_credentials' }, { authorization: basic('bound-job', 'bound-job-secret-0123456789'), dpop: await makeProof(key, { htu: tokenUrl() }) });
    assert.equal(ok.status, 200);
  });

  test('userinfo: a bound token as Bearer is refused with a DPoP challenge; a proof without or with a wrong ath is refused', async () => {
    const flow = await authorizationFlow(server, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope: 'openid email', login: ALICE, consent: 'allow' });
    const res = await postForm(tokenUrl(), { grant_type: 'authorization_code', code: flow.code!, code_verifier: flow.verifier, redirect_uri: WEB_REDIRECT }, { authorization: basic('todo-web', WEB_SECRET), dpop: await makeProof(key, { htu: tokenUrl() }) });
    const { access_token } = (await res.json()) as { access_token: string };
    const userinfo = `${server.issuer}/userinfo`;
    const asBearer = await fetch(userinfo, { headers: { authorization: `Bearer ${access_token}` } });
    assertUserinfoRefusal(asBearer, 'invalid_token', messages.boundTokenAsBearer);
    const asBearerWithProof = await fetch(userinfo, { headers: { authorization: `Bearer ${access_token}`, dpop: await makeProof(key, { htm: 'GET', htu: userinfo, accessToken: access_token }) } });
    assertUserinfoRefusal(asBearerWithProof, 'invalid_token', messages.boundTokenAsBearer);
    const noProof = await fetch(userinfo, { headers: { authorization: `DPoP ${access_token}` } });
    assertUserinfoRefusal(noProof, 'invalid_dpop_proof', messages.missingProof);
    const noAth = await fetch(userinfo, { headers: { authorization: `DPoP ${access_token}`, dpop: await makeProof(key, { htm: 'GET', htu: userinfo }) } });
    assertUserinfoRefusal(noAth, 'invalid_dpop_proof', messages.proofAth);
    const wrongAth = await fetch(userinfo, { headers: { authorization: `DPoP ${access_token}`, dpop: await makeProof(key, { htm: 'GET', htu: userinfo, accessToken: 'another-token' }) } });
    assertUserinfoRefusal(wrongAth, 'invalid_dpop_proof', messages.proofAth);
    const otherKey = await proofKey();
    const wrongKey = await fetch(userinfo, { headers: { authorization: `DPoP ${access_token}`, dpop: await makeProof(otherKey, { htm: 'GET', htu: userinfo, accessToken: access_token }) } });
    assertUserinfoRefusal(wrongKey, 'invalid_dpop_proof', messages.proofKeyMismatch);
    const ok = await fetch(userinfo, { headers: { authorization: `DPoP ${access_token}`, dpop: await makeProof(key, { htm: 'GET', htu: userinfo, accessToken: access_token }) } });
    assert.equal(ok.status, 200);
  });

  test("a public client's refresh token is bound to its key: no proof or another key fails", async () => {
    const flow = await authorizationFlow(server, { clientId: 'todo-spa', redirectUri: SPA_REDIRECT, scope: 'openid offline_access read:calendar', resource: CALENDAR, login: ALICE, consent: 'allow' });
    const res = await postForm(tokenUrl(), { grant_type: 'authorization_code', client_id: 'todo-spa', code: flow.code!, code_verifier: flow.verifier, redirect_uri: SPA_REDIRECT }, { dpop: await makeProof(key, { htu: tokenUrl() }) });
    const { refresh_token } = (await res.json()) as { refresh_token: string };
    assert.ok(refresh_token);
    const refresh = (headers: Record<string, string>) => postForm(tokenUrl(), { grant_type: 'refresh_token', client_id: 'todo-spa', refresh_token }, headers);
    await assertTokenError(await refresh({}), { error: 'invalid_dpop_proof', description: 'this refresh token is DPoP-bound: send a DPoP proof made with the same key' });
    await assertTokenError(await refresh({ dpop: await makeProof(await proofKey(), { htu: tokenUrl() }) }), { error: 'invalid_dpop_proof', description: 'this refresh token is bound to another DPoP key' });
    const same = await refresh({ dpop: await makeProof(key, { htu: tokenUrl() }) });
    assert.equal(same.status, 200, 'refused attempts did not spend the token');
  });

  test("a confidential client's refresh token is not key-bound: a proof from a new key gets a token bound to the new key", async () => {
    const flow = await authorizationFlow(server, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope: 'openid offline_access read:calendar', resource: CALENDAR, login: ALICE, consent: 'allow' });
    const res = await postForm(tokenUrl(), { grant_type: 'authorization_code', code: flow.code!, code_verifier: flow.verifier, redirect_uri: WEB_REDIRECT }, { authorization: basic('todo-web', WEB_SECRET), dpop: await makeProof(key, { htu: tokenUrl() }) });
    const first = (await res.json()) as { access_token: string; refresh_token: string };
    assert.deepEqual(decodeJwt(first.access_token).cnf, { jkt: key.jkt });
    const rotated = await proofKey();
    const refreshed = await postForm(tokenUrl(), { grant_type: 'refresh_token', refresh_token: first.refresh_token }, { authorization: basic('todo-web', WEB_SECRET), dpop: await makeProof(rotated, { htu: tokenUrl() }) });
    const body = (await refreshed.json()) as Json;
    assert.equal(refreshed.status, 200, JSON.stringify(body));
    assert.equal(body.token_type, 'DPoP');
    assert.deepEqual(decodeJwt(String(body.access_token)).cnf, { jkt: rotated.jkt }, 'bound to the key of the proof that obtained it');
  });

  test('a code bound with dpop_jkt must be redeemed with a proof from that key', async () => {
    const flow = await authorizationFlow(server, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope: 'openid', params: { dpop_jkt: key.jkt }, login: ALICE, consent: 'allow' });
    const redeem = (headers: Record<string, string>) =>
      postForm(tokenUrl(), { grant_type: 'authorization_code', code: flow.code!, code_verifier: flow.verifier, redirect_uri: WEB_REDIRECT }, { authorization: basic('todo-web', WEB_SECRET), ...headers });
    await assertTokenError(await redeem({ dpop: await makeProof(await proofKey(), { htu: tokenUrl() }) }), { error: 'invalid_dpop_proof', description: /^this (authorization )?code is bound to another DPoP key$/ });
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
    // openid-client follows use_dpop_nonce by itself: one call, retried inside with the nonce.
    let requests = 0;
    oc[client.customFetch] = (url, init) => {
      requests++;
      return fetch(url, init as RequestInit);
    };
    const tokens = await client.clientCredentialsGrant(oc, { resource: CALENDAR }, { DPoP: dpop });
    assert.equal(tokens.token_type.toLowerCase(), 'dpop');
    assert.equal(requests, 2, 'the first request got use_dpop_nonce, the retry carried the nonce');
  });
});

describe('DPoP across two server processes on one PostgreSQL', { timeout: 60_000 }, () => {
  // Both nodes serve one issuer, as behind a load balancer: a proof's htu names the issuer's
  // token endpoint, so the very same proof is valid on either node, once.
  const ISSUER = 'http://lanekeeper.test';
  const TOKEN_URL = `${ISSUER}/token`;
  let db: TestDatabase;
  let a: TestServer;
  let b: ServeProcess;
  let dir: string;
  before(async () => {
    db = await postgresDatabase();
    const shared = { ...config(), issuer: ISSUER, dpop: { require_nonce: true } };
    a = await startTestServer('postgres', shared, { db });
    dir = mkdtempSync(join(tmpdir(), 'lk-dpop-node-'));
    const file = join(dir, 'lanekeeper.json');
    writeFileSync(file, JSON.stringify(shared));
    b = await serveProcess(['--config', file], { LANEKEEPER_SECRET: TEST_SECRET, LANEKEEPER_DATABASE_URL: db.url, LANEKEEPER_LOG_LEVEL: 'info' });
  });
  after(async () => {
    await b?.stop();
    await a?.stop();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cc = (node: string, proof: string) =>
    postForm(`${node}/token`, { grant_type: 'client_credentials', resource: CALENDAR }, { authorization: basic('sync-job', SYNC_SECRET), dpop: proof });

  test('a nonce minted by one node is accepted by the other, and a proof used on one is a replay on the other', async () => {
    assert.notEqual(b.child.pid, process.pid, 'node b is a process of its own');
    const key = await proofKey();
    const first = await cc(a.url, await makeProof(key, { htu: TOKEN_URL }));
    assert.equal(first.status, 400);
    assert.equal(((await first.json()) as Json).error, 'use_dpop_nonce');
    const nonce = first.headers.get('dpop-nonce');
    assert.ok(nonce, 'node a hands out a nonce');

    const proof = await makeProof(key, { htu: TOKEN_URL, nonce });
    const onB = await cc(b.url, proof);
    assert.equal(onB.status, 200, await onB.clone().text());
    assert.equal((decodeJwt(((await onB.json()) as { access_token: string }).access_token).cnf as { jkt: string }).jkt, key.jkt);
    await assertTokenError(await cc(a.url, proof), { error: 'invalid_dpop_proof', description: messages.proofReplay });

    const other = await makeProof(key, { htu: TOKEN_URL, nonce });
    assert.equal((await cc(a.url, other)).status, 200);
    await assertTokenError(await cc(b.url, other), { error: 'invalid_dpop_proof', description: messages.proofReplay });
  });
});
