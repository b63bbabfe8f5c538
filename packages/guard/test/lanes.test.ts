import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CompactEncrypt, generateKeyPair } from 'jose';
import { classifyToken, laneVerdict, messages, audienceMismatchDescription, ACCESS_TOKEN_TYPES, OPAQUE_PREFIXES } from '../src/lanes/index.js';
import { TestIssuer, unsignedToken } from './helpers/issuer.js';

const AUDIENCE = 'https://calendar.example.com';

describe('lanes: classifyToken', () => {
  let issuer: TestIssuer;
  before(async () => {
    issuer = await TestIssuer.start();
  });
  after(() => issuer.close());

  test('exports the access-token typ values and the opaque prefixes', () => {
    assert.deepEqual([...ACCESS_TOKEN_TYPES], ['at+jwt', 'application/at+jwt']);
    assert.deepEqual({ ...OPAQUE_PREFIXES }, { accessToken: 'lk_at_', refreshToken: 'lk_rt_', authorizationCode: 'lk_code_' });
  });

  test('classifies an at+jwt as a JWT access token, with header and claims decoded', async () => {
    const c = classifyToken(await issuer.accessToken(AUDIENCE));
    assert.equal(c.kind, 'access_token_jwt');
    assert.equal(c.format, 'jws');
    assert.equal(c.header?.['typ'], 'at+jwt');
    assert.equal(c.claims?.['aud'], AUDIENCE);
    assert.ok(c.evidence.includes('typ is at+jwt (RFC 9068 access token)'));
  });

  test('classifies application/at+jwt in any case as a JWT access token', async () => {
    assert.equal(classifyToken(await issuer.accessToken(AUDIENCE, { header: { typ: 'Application/AT+JWT' } })).kind, 'access_token_jwt');
  });

  test('classifies an ID token and lists each sign', async () => {
    const c = classifyToken(await issuer.idToken({ claims: { at_hash: 'x', azp: 'todo-web' } }));
    assert.equal(c.kind, 'id_token');
    for (const sign of ['carries nonce', 'carries auth_time', 'carries at_hash', 'carries azp', 'no scope claim', 'typ is JWT, not at+jwt', 'aud is "todo-web"']) {
      assert.ok(c.evidence.includes(sign), `evidence has "${sign}": ${c.evidence.join('; ')}`);
    }
  });

  test('classifies an ID token without typ', async () => {
    const c = classifyToken(unsignedToken({ aud: 'todo-web', nonce: 'n', sub: 's' }, { typ: undefined, alg: 'RS256' }));
    assert.equal(c.kind, 'id_token');
    assert.ok(c.evidence.includes('no typ header (access tokens have typ at+jwt)'));
  });

  test('a JWT with scope and no typ is not an ID token, but not an access token either', async () => {
    const c = classifyToken(await issuer.accessToken(AUDIENCE, { header: { typ: 'JWT' }, claims: { nonce: 'n' } }));
    assert.equal(c.kind, 'jwt_unknown');
    assert.ok(c.evidence.includes('has a scope claim'));
  });

  test('classifies DPoP proofs and logout tokens', async () => {
    assert.equal(classifyToken(await issuer.sign({ htm: 'GET' }, { typ: 'dpop+jwt' })).kind, 'dpop_proof');
    assert.equal(classifyToken(await issuer.sign({ sid: 's' }, { typ: 'logout+jwt' })).kind, 'logout_token');
    const byEvent = classifyToken(await issuer.sign({ aud: 'todo-web', events: { 'http://schemas.openid.net/event/backchannel-logout': {} } }, { typ: 'JWT' }));
    assert.equal(byEvent.kind, 'logout_token');
    assert.ok(byEvent.evidence.includes('events claim holds the back-channel logout event'));
  });

  test('classifies a JWE as an unknown (encrypted) JWT', async () => {
    const { publicKey } = await generateKeyPair('RSA-OAEP-256');
    const jwe = await new CompactEncrypt(new TextEncoder().encode('{"sub":"x"}')).setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM' }).encrypt(publicKey);
    const c = classifyToken(jwe);
    assert.equal(c.kind, 'jwt_unknown');
    assert.equal(c.format, 'jwe');
    assert.match(c.evidence[0] ?? '', /encrypted/);
  });

  test('classifies Lanekeeper opaque strings by prefix, others as opaque_unknown', () => {
    assert.equal(classifyToken('lk_at_abcDEF123-_').kind, 'opaque_access_token');
    assert.equal(classifyToken('lk_rt_abcDEF123-_').kind, 'refresh_token');
    assert.equal(classifyToken('lk_code_abcDEF123').kind, 'authorization_code');
    assert.equal(classifyToken('2YotnFZFEjr1zCsicMWpAA').kind, 'opaque_unknown');
    assert.equal(classifyToken('2YotnFZFEjr1zCsicMWpAA').format, 'opaque');
  });

  test('classifies non-token68 strings and broken JWTs as malformed', () => {
    assert.equal(classifyToken('').kind, 'malformed');
    assert.equal(classifyToken('has space').kind, 'malformed');
    assert.equal(classifyToken('a"b').kind, 'malformed');
    assert.equal(classifyToken('abc.def.ghi').kind, 'malformed');
    const header = Buffer.from('{"alg":"RS256"}').toString('base64url');
    const notJson = classifyToken(`${header}.${Buffer.from('hello').toString('base64url')}.sig`);
    assert.equal(notJson.kind, 'malformed');
    assert.ok(notJson.evidence.includes('payload is not a JSON object, so it is not a JWT claims set'));
  });
});

describe('lanes: laneVerdict', () => {
  let issuer: TestIssuer;
  before(async () => {
    issuer = await TestIssuer.start();
  });
  after(() => issuer.close());

  test('refuses an ID token with the ID-token description', async () => {
    const v = laneVerdict(classifyToken(await issuer.idToken()));
    assert.deepEqual(v, { accept: false, kind: 'id_token', status: 401, error: 'invalid_token', description: messages.idToken });
    assert.equal(messages.idToken, 'this is an ID token (it tells the client app who logged in; its aud is the client app); send the access token instead');
  });

  test('refuses refresh tokens, codes, logout tokens, DPoP proofs, JWEs and malformed strings, each with its reason', () => {
    const cases: Array<[string, string]> = [
      ['lk_rt_abc', messages.refreshToken],
      ['lk_code_abc', messages.authorizationCode],
      ['a b', messages.malformedToken],
    ];
    for (const [token, description] of cases) {
      const v = laneVerdict(classifyToken(token));
      assert.equal(v.accept, false);
      assert.equal(!v.accept && v.description, description);
    }
    assert.equal(messages.refreshToken, 'this is a refresh token; exchange it at the token endpoint and send the access token');
  });

  test('lets a JWT access token on to signature checks, and an opaque one to introspection', async () => {
    assert.deepEqual(laneVerdict(classifyToken(await issuer.accessToken(AUDIENCE)), { audience: AUDIENCE }), { accept: true, kind: 'access_token_jwt', next: 'verify_signature' });
    assert.deepEqual(laneVerdict(classifyToken('lk_at_abc')), { accept: true, kind: 'opaque_access_token', next: 'introspect' });
    assert.deepEqual(laneVerdict(classifyToken('abc')), { accept: true, kind: 'opaque_unknown', next: 'introspect' });
  });

  test('refuses a JWT access token for another audience, naming both', async () => {
    const v = laneVerdict(classifyToken(await issuer.accessToken('https://mail.example.com')), { audience: AUDIENCE });
    assert.equal(v.accept, false);
    assert.equal(!v.accept && v.description, `this access token is for https://mail.example.com, not for this API ${AUDIENCE}`);
    assert.equal(audienceMismatchDescription(['a', 'b'], 'c'), 'this access token is for a, b, not for this API c');
    assert.equal(audienceMismatchDescription(42, 'c'), 'this access token names no audience (aud); this API is c');
  });
});
