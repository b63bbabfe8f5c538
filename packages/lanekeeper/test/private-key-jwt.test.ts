import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import * as client from 'openid-client';
import { baseConfig, startTestServer, CALENDAR, postForm, type TestServer } from './helpers/server.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

describe('private_key_jwt client authentication (RFC 7523)', () => {
  let server: TestServer;
  let privateKey: CryptoKey;
  before(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' };
    const config = baseConfig();
    (config.clients as unknown[]).push({
      client_id: 'signed-job',
      token_endpoint_auth_method: 'private_key_jwt',
      grant_types: ['client_credentials'],
      jwks: { keys: [jwk] },
      apis: { [CALENDAR]: ['read:calendar'] },
    });
    server = await startTestServer('sqlite', config);
  });
  after(async () => {
    await server.stop();
  });

  const assertion = (claims: Record<string, unknown> = {}, key: CryptoKey = privateKey) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: 'signed-job', sub: 'signed-job', aud: server.issuer, jti: randomUUID(), iat: now, exp: now + 60, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .sign(key);
  };
  const tokenRequest = (clientAssertion: string) =>
    postForm(`${server.url}/token`, { grant_type: 'client_credentials', resource: CALENDAR, client_assertion_type: ASSERTION_TYPE, client_assertion: clientAssertion });

  test('openid-client authenticates with PrivateKeyJwt and gets a token', async () => {
    const config = await client.discovery(new URL(server.issuer), 'signed-job', undefined, client.PrivateKeyJwt({ key: privateKey, kid: 'k1' }), { execute: [client.allowInsecureRequests] });
    const tokens = await client.clientCredentialsGrant(config, { resource: CALENDAR });
    assert.equal(tokens.scope, 'read:calendar');
  });

  test('an assertion with aud = the token endpoint is accepted', async () => {
    assert.equal((await tokenRequest(await assertion({ aud: `${server.issuer}/token` }))).status, 200);
  });

  test('a replayed assertion (same jti) is refused', async () => {
    const a = await assertion();
    assert.equal((await tokenRequest(a)).status, 200);
    const again = await tokenRequest(a);
    assert.equal(again.status, 401);
    assert.equal(((await again.json()) as { error: string }).error, 'invalid_client');
  });

  test('an assertion for another audience is refused', async () => {
    for (const aud of ['https://elsewhere.example.com', [server.issuer, 'https://elsewhere.example.com']]) {
      const res = await tokenRequest(await assertion({ aud }));
      assert.equal(res.status, 401);
    }
  });

  test('an assertion signed by another key is refused', async () => {
    const { privateKey: other } = await generateKeyPair('ES256');
    assert.equal((await tokenRequest(await assertion({}, other))).status, 401);
  });

  test('an expired or too long-lived assertion is refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    assert.equal((await tokenRequest(await assertion({ iat: now - 600, exp: now - 300 }))).status, 401);
    assert.equal((await tokenRequest(await assertion({ exp: now + 3600 }))).status, 401);
  });

  test('an assertion without jti is refused', async () => {
    assert.equal((await tokenRequest(await assertion({ jti: undefined }))).status, 401);
  });

  test('a wrong client_assertion_type is invalid_request', async () => {
    const res = await postForm(`${server.url}/token`, { grant_type: 'client_credentials', client_assertion_type: 'urn:nope', client_assertion: await assertion() });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_request');
  });

  test('a secret-holding client cannot authenticate with an assertion', async () => {
    const now = Math.floor(Date.now() / 1000);
    const a = await new SignJWT({ iss: 'sync-job', sub: 'sync-job', aud: server.issuer, jti: randomUUID(), iat: now, exp: now + 60 }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(privateKey);
    assert.equal((await tokenRequest(a)).status, 401);
  });
});
