// inspect tells each token's lane, with the evidence it used: Lanekeeper's own tokens (from
// a running server) and JWTs minted here in the claim shapes of Auth0, Azure AD v2, Keycloak
// and Google, told apart by their claims, never by the issuer's name (the issuers here are
// neutral made-up names).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { SignJWT, generateKeyPair, type CryptoKey } from 'jose';
import { inspect, type InspectReport } from '../../src/lanetools/inspect.js';
import { authorizationFlow } from '../helpers/browser-flow.js';
import { makeProof, proofKey, type ProofKey } from '../helpers/dpop.js';
import { basic, CALENDAR, CONTACTS, CONTACTS_API_SECRET, postForm, startTestServer, SYNC_SECRET, type TestServer } from '../helpers/server.js';
import { ALICE, browserConfig, WEB_REDIRECT, WEB_SECRET } from '../helpers/users.js';

const evidence = (r: InspectReport) => r.lane.evidence.join(' | ');
const claim = (r: InspectReport, name: string) => r.claims?.find((c) => c.name === name);

describe("inspect: Lanekeeper's tokens", { timeout: 60_000 }, () => {
  let server: TestServer;
  let tokens: { id: string; access: string; refresh: string; bound: string; opaque: string; proof: string };
  let key: ProofKey;

  before(async () => {
    server = await startTestServer('sqlite', browserConfig());
    const flow = await authorizationFlow(server, {
      clientId: 'todo-web',
      redirectUri: WEB_REDIRECT,
      scope: 'openid profile offline_access read:calendar',
      resource: CALENDAR,
      params: { nonce: 'n-0S6_WzA2Mj' },
      login: ALICE,
      consent: 'allow',
    });
    const redeemed = await postForm(
      `${server.url}/token`,
      { grant_type: 'authorization_code', code: flow.code ?? '', code_verifier: flow.verifier, redirect_uri: WEB_REDIRECT },
      { authorization: basic('todo-web', WEB_SECRET) },
    );
    const body = (await redeemed.json()) as Record<string, string>;
    key = await proofKey();
    const tokenUrl = `${server.issuer}/token`;
    const machine = (resource: string, headers: Record<string, string> = {}) =>
      postForm(tokenUrl, { grant_type: 'client_credentials', resource }, { authorization: basic('sync-job', SYNC_SECRET), ...headers }).then((r) => r.json() as Promise<Record<string, string>>);
    const bound = await machine(CALENDAR, { dpop: await makeProof(key, { htu: tokenUrl }) });
    const opaque = await machine(CONTACTS);
    tokens = {
      id: body['id_token'] ?? '',
      access: body['access_token'] ?? '',
      refresh: body['refresh_token'] ?? '',
      bound: bound['access_token'] ?? '',
      opaque: opaque['access_token'] ?? '',
      proof: await makeProof(key, { htm: 'GET', htu: `${CALENDAR}/entries`, accessToken: bound['access_token'] ?? '' }),
    };
    for (const [name, value] of Object.entries(tokens)) assert.ok(value, `got a ${name} token`);
  });
  after(() => server?.stop());

  test('an ID token: typ JWT, aud the client, nonce/auth_time/at_hash, no scope; verified online', async () => {
    const r = await inspect(tokens.id, { online: true });
    assert.equal(r.lane.kind, 'id_token');
    for (const sign of ['typ is JWT, not at+jwt', 'carries nonce', 'carries auth_time', 'carries at_hash', 'no scope claim', 'aud is "todo-web"']) {
      assert.ok(r.lane.evidence.includes(sign), `evidence "${sign}" in ${evidence(r)}`);
    }
    assert.equal(r.lane.certainty, 'likely');
    assert.match(claim(r, 'aud')?.note ?? '', /client app/);
    assert.match(claim(r, 'exp')?.time?.relative ?? '', /^expires in \d+ min$/);
    assert.equal(r.verification?.verified, true);
    assert.deepEqual(r.verification?.steps.map((s) => s.check), ['discovery', 'jwks', 'alg', 'kid', 'signature', 'iss', 'exp/nbf']);
    assert.equal(r.exit_code, 0);
  });

  test('a JWT access token sent as Bearer: typ at+jwt, not bound', async () => {
    const r = await inspect(tokens.access);
    assert.equal(r.lane.kind, 'access_token_jwt');
    assert.equal(r.lane.certainty, 'certain');
    assert.equal(r.lane.dpop_bound, false);
    assert.ok(r.lane.evidence.includes('typ is at+jwt (RFC 9068 access token)'), evidence(r));
    assert.match(claim(r, 'aud')?.note ?? '', /the API it is for/);
    assert.match(claim(r, 'lk_grant')?.note ?? '', /grant/);
  });

  test('a DPoP-bound JWT access token: cnf.jkt is named as the binding', async () => {
    const r = await inspect(tokens.bound);
    assert.equal(r.lane.kind, 'access_token_jwt');
    assert.equal(r.lane.dpop_bound, true);
    assert.match(r.lane.label, /DPoP-bound/);
    assert.match(evidence(r), /cnf\.jkt: bound to a DPoP key/);
    assert.deepEqual(claim(r, 'cnf')?.value, { jkt: key.jkt });
  });

  test('an opaque access token: the lk_at_ prefix, then what introspection says', async () => {
    const offline = await inspect(tokens.opaque);
    assert.equal(offline.lane.kind, 'opaque_access_token');
    assert.match(evidence(offline), /prefix lk_at_/);
    assert.equal(offline.claims, null);
    const online = await inspect(tokens.opaque, { issuer: server.issuer, clientId: 'contacts-api', clientSecret: CONTACTS_API_SECRET, audience: CONTACTS });
    assert.equal(online.claims_source, 'introspection');
    assert.equal(claim(online, 'active')?.value, true);
    assert.equal(online.verification?.verified, true);
    assert.equal(online.verdict?.status, 'accepted');
  });

  test('a refresh token: the lk_rt_ prefix; refused by an API in the guard\'s words', async () => {
    const r = await inspect(tokens.refresh, { audience: CALENDAR });
    assert.equal(r.lane.kind, 'refresh_token');
    assert.match(evidence(r), /refresh-token prefix lk_rt_/);
    assert.equal(r.verdict?.status, 'refused');
    assert.match(r.verdict?.description ?? '', /^this is a refresh token/);
    assert.equal(r.exit_code, 1);
  });

  test('a DPoP proof: typ dpop+jwt, verified with its own jwk, whose thumbprint is the bound token\'s cnf.jkt', async () => {
    const r = await inspect(tokens.proof);
    assert.equal(r.lane.kind, 'dpop_proof');
    assert.ok(r.lane.evidence.includes('typ is dpop+jwt (RFC 9449 DPoP proof)'));
    assert.equal(r.verification?.source, 'proof_jwk');
    assert.equal(r.verification?.verified, true);
    assert.match(r.verification?.steps.find((s) => s.check === 'jwk')?.detail ?? '', new RegExp(key.jkt));
    assert.match(claim(r, 'htu')?.note ?? '', /URL/);
  });

  test('a foreign opaque string is "opaque, kind unknown": only introspection can tell', async () => {
    const r = await inspect('8xLOxBtZp8Q2vR7k3nYb0wHq');
    assert.equal(r.lane.kind, 'opaque_unknown');
    assert.equal(r.lane.label, 'opaque, kind unknown');
    assert.match(r.lane.summary, /introspection/);
    assert.equal(r.exit_code, 0);
  });

  test('something that is not a token: exit code 1', async () => {
    const r = await inspect('this is { not a token }');
    assert.equal(r.lane.kind, 'not_a_token');
    assert.equal(r.exit_code, 1);
  });
});

describe('inspect: vendor shapes, recognised by their claims', () => {
  let key: CryptoKey;
  const now = Math.floor(Date.now() / 1000);
  const guid = () => randomUUID();
  const sign = (claims: Record<string, unknown>, typ: string | undefined = 'JWT') =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1', ...(typ ? { typ } : {}) }).sign(key);

  before(async () => {
    ({ privateKey: key } = await generateKeyPair('RS256'));
  });

  const cases: Array<{ name: string; claims: () => Record<string, unknown>; typ?: string; lane: string; vendor: string; token: string; sign: RegExp }> = [
    {
      name: 'Auth0 access token: aud lists the API and /userinfo',
      claims: () => ({ iss: 'https://login.example.org/', sub: 'auth0|5f7c8ec7c33c6c004bbafe82', aud: ['https://api.example.com', 'https://login.example.org/userinfo'], azp: 'aZ3x9Qk2', scope: 'openid profile read:messages', permissions: ['read:messages'], iat: now, exp: now + 3600 }),
      lane: 'vendor_access_token_jwt',
      vendor: 'auth0',
      token: 'access_token',
      sign: /userinfo/,
    },
    {
      name: 'Auth0 ID token: connection|id sub, default profile',
      claims: () => ({ iss: 'https://login.example.org/', sub: 'auth0|5f7c8ec7c33c6c004bbafe82', aud: 'aZ3x9Qk2', nonce: 'n1', nickname: 'alice', name: 'alice@example.com', updated_at: '2024-05-01T10:00:00.000Z', sid: 'x1', iat: now, exp: now + 36000 }),
      lane: 'id_token',
      vendor: 'auth0',
      token: 'id_token',
      sign: /connection\|id/,
    },
    {
      name: 'Azure AD v2 access token: ver 2.0, tid, scp',
      claims: () => ({ aud: guid(), iss: `https://sts.example.org/${guid()}/v2.0`, iat: now, nbf: now, exp: now + 3600, aio: 'E2Z', azp: guid(), azpacr: '0', name: 'Alice', oid: guid(), preferred_username: 'alice@example.org', rh: '0.A', scp: 'access_as_user', sub: 'AAAA', tid: guid(), uti: 'x', ver: '2.0' }),
      lane: 'vendor_access_token_jwt',
      vendor: 'azure_ad_v2',
      token: 'access_token',
      sign: /ver "2\.0"/,
    },
    {
      name: 'Azure AD v2 ID token: ver 2.0, tid, nonce',
      claims: () => ({ aud: guid(), iss: `https://sts.example.org/${guid()}/v2.0`, iat: now, nbf: now, exp: now + 3600, aio: 'E2Z', name: 'Alice', nonce: 'n1', oid: guid(), preferred_username: 'alice@example.org', rh: '0.A', sub: 'AAAA', tid: guid(), uti: 'x', ver: '2.0' }),
      lane: 'id_token',
      vendor: 'azure_ad_v2',
      token: 'id_token',
      sign: /tid/,
    },
    {
      name: 'Keycloak access token: typ claim Bearer, azp, realm_access',
      claims: () => ({ exp: now + 300, iat: now, jti: guid(), iss: 'https://sso.example.org/realms/acme', aud: 'account', sub: guid(), typ: 'Bearer', azp: 'web-app', session_state: guid(), acr: '1', 'allowed-origins': ['https://app.example.org'], realm_access: { roles: ['user'] }, resource_access: { account: { roles: ['view-profile'] } }, scope: 'openid email profile', sid: guid(), preferred_username: 'alice' }),
      lane: 'vendor_access_token_jwt',
      vendor: 'keycloak',
      token: 'access_token',
      sign: /typ claim "Bearer"/,
    },
    {
      name: 'Keycloak ID token: typ claim ID',
      claims: () => ({ exp: now + 300, iat: now, auth_time: now, jti: guid(), iss: 'https://sso.example.org/realms/acme', aud: 'web-app', sub: guid(), typ: 'ID', azp: 'web-app', nonce: 'n1', session_state: guid(), at_hash: 'x', acr: '1', sid: guid() }),
      lane: 'id_token',
      vendor: 'keycloak',
      token: 'id_token',
      sign: /typ claim "ID"/,
    },
    {
      name: 'Google ID token: a *.apps.googleusercontent.com client, numeric sub, hd',
      claims: () => ({ iss: 'https://accounts.example.org', azp: '1234-abc.apps.googleusercontent.com', aud: '1234-abc.apps.googleusercontent.com', sub: '110169484474386276334', hd: 'example.org', email: 'alice@example.org', email_verified: true, at_hash: 'HK6E_P6Dh8Y93mRNtsDB1Q', nonce: 'n1', iat: now, exp: now + 3600 }),
      lane: 'id_token',
      vendor: 'google',
      token: 'id_token',
      sign: /googleusercontent/,
    },
    {
      name: 'Google service-account JWT access token: self-signed, googleapis scope',
      claims: () => ({ iss: 'sync@project-1.example.org', sub: 'sync@project-1.example.org', scope: 'https://www.googleapis.com/auth/cloud-platform', iat: now, exp: now + 3600 }),
      lane: 'vendor_access_token_jwt',
      vendor: 'google',
      token: 'access_token',
      sign: /googleapis/,
    },
  ];

  for (const c of cases) {
    test(`${c.name} → ${c.lane}, ${c.vendor}`, async () => {
      const r = await inspect(await sign(c.claims(), c.typ));
      assert.equal(r.lane.kind, c.lane, evidence(r));
      assert.equal(r.shape?.vendor, c.vendor, JSON.stringify(r.shape));
      assert.equal(r.shape?.token, c.token);
      assert.match(r.shape?.signs.join('; ') ?? '', c.sign);
      assert.ok(['certain', 'likely', 'possible'].includes(r.shape?.certainty ?? ''), 'says how sure it is');
      assert.ok(r.lane.evidence.some((e) => e.includes(r.shape?.name ?? '?')) || c.lane === 'id_token', 'the lane names the shape it used');
    });
  }

  test('a vendor access token is refused by an API that requires RFC 9068, in the guard\'s words', async () => {
    const r = await inspect(await sign(cases[4]!.claims()), { audience: 'account' });
    assert.equal(r.verdict?.status, 'refused');
    assert.match(r.verdict?.description ?? '', /not typed as an access token: its header typ must be at\+jwt/);
  });

  test('a Google ya29. string is opaque, kind unknown, with the shape named as a possibility only', async () => {
    const r = await inspect('ya29.a0AfH6SMBx3Qk8YcVnZpLm2Q');
    assert.equal(r.lane.kind, 'opaque_unknown');
    assert.equal(r.shape?.certainty, 'possible');
    assert.match(evidence(r), /ya29\./);
  });
});
