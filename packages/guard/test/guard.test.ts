import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CompactEncrypt, SignJWT, generateKeyPair } from 'jose';
import { createGuard, GuardError, requireAnyScope, requireScopes, type Guard } from '../src/index.js';
import { messages } from '../src/lanes/index.js';
import { TestIssuer, tamper, unsignedToken } from './helpers/issuer.js';
import { assertRefused, request } from './helpers/assert.js';

const AUDIENCE = 'https://calendar.example.com';

describe('guard: access tokens from a foreign RFC 9068 issuer', () => {
  let issuer: TestIssuer;
  let guard: Guard;

  before(async () => {
    issuer = await TestIssuer.start();
    guard = createGuard({ issuer: issuer.url, audience: AUDIENCE });
  });
  after(() => issuer.close());

  test('accepts a valid access token and returns the principal', async () => {
    const token = await issuer.accessToken(AUDIENCE);
    const principal = await guard.verify(request({ token }));
    assert.equal(principal.sub, 'user_7Hq2');
    assert.equal(principal.clientId, 'todo-web');
    assert.deepEqual(principal.scopes, ['read:calendar', 'write:calendar']);
    assert.equal(principal.token, token);
    assert.equal(principal.source, 'jwt');
    assert.equal(principal.claims['iss'], issuer.url);
    assert.equal(principal.dpop, undefined);
  });

  test('accepts typ application/at+jwt and a Node-style request', async () => {
    const token = await issuer.accessToken(AUDIENCE, { header: { typ: 'application/at+jwt' } });
    const principal = await guard.verify({ method: 'GET', url: '/calendar', headers: { authorization: `Bearer ${token}`, host: 'api.test' } });
    assert.equal(principal.sub, 'user_7Hq2');
  });

  test('accepts the scheme name in any case', async () => {
    const token = await issuer.accessToken(AUDIENCE);
    const principal = await guard.verify(request({ token, scheme: 'bEARER' }));
    assert.equal(principal.clientId, 'todo-web');
  });

  test('refuses a request without a token with a bare Bearer challenge (RFC 6750 §3.1)', async () => {
    const error = await assertRefused(guard.verify(request()), { status: 401, code: undefined, description: messages.missingToken });
    assert.equal(error.wwwAuthenticate, 'Bearer');
    assert.deepEqual(error.toJSON(), { error_description: messages.missingToken });
  });

  test('refuses an ID token presented as a bearer token, saying it is an ID token', async () => {
    const token = await issuer.idToken();
    const error = await assertRefused(guard.verify(request({ token })), { status: 401, code: 'invalid_token', description: messages.idToken }, token);
    assert.ok(error.wwwAuthenticate?.includes('error_description="this is an ID token'), error.wwwAuthenticate);
  });

  test('refuses an ID token even when its aud is the API and it is signed by the issuer', async () => {
    const token = await issuer.idToken({ claims: { aud: AUDIENCE } });
    await assertRefused(guard.verify(request({ token })), { status: 401, code: 'invalid_token', description: messages.idToken }, token);
  });

  test('refuses a JWT not typed at+jwt even when it carries scopes', async () => {
    const token = await issuer.accessToken(AUDIENCE, { header: { typ: 'JWT' } });
    await assertRefused(guard.verify(request({ token })), { status: 401, code: 'invalid_token', description: messages.notAccessTokenJwt }, token);
  });

  test('refuses an access token for another API, naming both audiences', async () => {
    const token = await issuer.accessToken('https://mail.example.com');
    const error = await assertRefused(
      guard.verify(request({ token })),
      { status: 401, code: 'invalid_token', description: `this access token is for https://mail.example.com, not for this API ${AUDIENCE}` },
      token,
    );
    assert.equal(error.description, messages.audienceMismatch(['https://mail.example.com'], AUDIENCE));
  });

  test('accepts an aud list that contains this API', async () => {
    const token = await issuer.accessToken(AUDIENCE, { claims: { aud: ['https://mail.example.com', AUDIENCE] } });
    assert.equal((await guard.verify(request({ token }))).sub, 'user_7Hq2');
  });

  test('refuses an expired access token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await issuer.accessToken(AUDIENCE, { claims: { iat: now - 700, exp: now - 60 } });
    await assertRefused(guard.verify(request({ token })), { status: 401, code: 'invalid_token', description: messages.expired }, token);
  });

  test('accepts a token expired by less than the clock tolerance', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await issuer.accessToken(AUDIENCE, { claims: { exp: now - 2 } });
    assert.equal((await guard.verify(request({ token }))).sub, 'user_7Hq2');
  });

  test('refuses a token whose nbf is in the future', async () => {
    const token = await issuer.accessToken(AUDIENCE, { claims: { nbf: Math.floor(Date.now() / 1000) + 120 } });
    await assertRefused(guard.verify(request({ token })), { status: 401, code: 'invalid_token', description: messages.notYetValid }, token);
  });

  test('refuses a token whose iat is in the future', async () => {
    const token = await issuer.accessToken(AUDIENCE, { claims: { iat: Math.floor(Date.now() / 1000) + 120 } });
    await assertRefused(guard.verify(request({ token })), { status: 401, code: 'invalid_token', description: messages.issuedInFuture }, token);
  });

  test('refuses a token without exp', async () => {
    const token = await issuer.accessToken(AUDIENCE, { omit: ['exp'] });
    await assertRefused(guard.verify(request({ token })), { status: 401, code: 'invalid_token', description: messages.missingExp }, token);
  });

  test('refuses a token without sub or client_id (RFC 9068 §2.2)', async () => {
    const noSub = await issuer.accessToken(AUDIENCE, { omit: ['sub'] });
    await assertRefused(guard.verify(request({ token: noSub })), { status: 401, code: 'invalid_token', description: messages.missingClaim('sub') });
    const noClient = await issuer.accessToken(AUDIENCE, { omit: ['client_id'] });
    await assertRefused(guard.verify(request({ token: noClient })), { status: 401, code: 'invalid_token', description: messages.missingClaim('client_id') });
  });

  test('refuses a token from another issuer even when signed with a known key', async () => {
    const token = await issuer.accessToken(AUDIENCE, { claims: { iss: 'https://evil.example.com' } });
    await assertRefused(
      guard.verify(request({ token })),
      { status: 401, code: 'invalid_token', description: messages.issuerMismatch('https://evil.example.com', issuer.url) },
      token,
    );
  });

  test('compares iss exactly (a trailing slash is another issuer)', async () => {
    const token = await issuer.accessToken(AUDIENCE, { claims: { iss: `${issuer.url}/` } });
    await assertRefused(guard.verify(request({ token })), { status: 401, code: 'invalid_token', description: messages.issuerMismatch(`${issuer.url}/`, issuer.url) });
  });

  test('refuses an unsigned token (alg none)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = unsignedToken({ iss: issuer.url, aud: AUDIENCE, sub: 'admin', client_id: 'x', exp: now + 600, iat: now });
    await assertRefused(guard.verify(request({ token })), { status: 401, code: 'invalid_token', description: messages.algNone }, token);
  });

  test('refuses HS256 signed with the public key as the secret', async () => {
    const pem = await issuer.publicKeyPem();
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ iss: issuer.url, aud: AUDIENCE, sub: 'admin', client_id: 'x', exp: now + 600, iat: now })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: issuer.key.kid })
      .sign(new TextEncoder().encode(pem));
    await assertRefused(guard.verify(request({ token })), { status: 401, code: 'invalid_token', description: messages.algSymmetric('HS256') }, token);
  });

  test('refuses to be configured with a symmetric algorithm or none', () => {
    assert.throws(() => createGuard({ issuer: issuer.url, audience: AUDIENCE, algorithms: ['RS256', 'HS256'] }), /HS256 is not allowed/);
    assert.throws(() => createGuard({ issuer: issuer.url, audience: AUDIENCE, algorithms: ['none'] }), /none is not allowed/);
    assert.throws(() => createGuard({ issuer: issuer.url, audience: AUDIENCE, dpop: { algorithms: ['HS512'] } }), /HS512 is not allowed/);
  });

  test('refuses an algorithm outside the configured allow-list', async () => {
    const esOnly = createGuard({ issuer: issuer.url, audience: AUDIENCE, algorithms: ['ES256'] });
    const token = await issuer.accessToken(AUDIENCE);
    await assertRefused(esOnly.verify(request({ token })), { status: 401, code: 'invalid_token', description: messages.algNotAllowed(['ES256']) }, token);
  });

  test('refuses a token whose alg does not fit the key its kid names', async () => {
    const ps = await issuer.addKey('PS256', issuer.key.kid);
    const token = await issuer.accessToken(AUDIENCE, { key: ps });
    await assertRefused(guard.verify(request({ token })), { status: 401, code: 'invalid_token', description: messages.keyMismatch }, token);
  });

  test('refuses a token signed by a key the issuer does not publish', async () => {
    const stranger = await issuer.addKey('RS256');
    const token = await issuer.accessToken(AUDIENCE, { key: stranger });
    await assertRefused(guard.verify(request({ token })), { status: 401, code: 'invalid_token', description: messages.unknownKid }, token);
  });

  test('refuses a token whose payload was altered', async () => {
    const token = tamper(await issuer.accessToken(AUDIENCE), (claims) => {
      claims['scope'] = 'admin';
    });
    await assertRefused(guard.verify(request({ token })), { status: 401, code: 'invalid_token', description: messages.badSignature }, token);
  });

  test('refuses a token sent in the query string, telling to use the Authorization header', async () => {
    const token = await issuer.accessToken(AUDIENCE);
    const error = await assertRefused(
      guard.verify(request({ url: `http://api.test/calendar?access_token=${token}` })),
      { status: 401, code: 'invalid_request', description: messages.tokenInQuery },
      token,
    );
    assert.match(error.description, /Authorization header/);
  });

  test('refuses a token sent in a form body that the framework parsed', async () => {
    const token = await issuer.accessToken(AUDIENCE);
    await assertRefused(
      guard.verify({ method: 'POST', url: '/calendar', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: { access_token: token } }),
      { status: 401, code: 'invalid_request', description: messages.tokenInBody },
      token,
    );
  });

  test('does not mistake a JSON body field named access_token for a token', async () => {
    const token = await issuer.accessToken(AUDIENCE);
    const principal = await guard.verify({
      method: 'POST',
      url: '/calendar',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: { access_token: 'stored-for-a-sync-job' },
    });
    assert.equal(principal.sub, 'user_7Hq2');
  });

  test('refuses a request carrying two tokens (header and query)', async () => {
    const token = await issuer.accessToken(AUDIENCE);
    await assertRefused(
      guard.verify(request({ token, url: `http://api.test/calendar?access_token=${token}` })),
      { status: 400, code: 'invalid_request', description: messages.multipleTokens },
      token,
    );
  });

  test('refuses two Authorization headers (fetch joins them; Node keeps them in rawHeaders)', async () => {
    const token = await issuer.accessToken(AUDIENCE);
    const headers = new Headers();
    headers.append('authorization', `Bearer ${token}`);
    headers.append('authorization', `Bearer ${token}`);
    await assertRefused(guard.verify(new Request('http://api.test/calendar', { headers })), { status: 400, code: 'invalid_request', description: messages.multipleTokens }, token);
    await assertRefused(
      guard.verify({
        method: 'GET',
        url: '/calendar',
        headers: { authorization: `Bearer ${token}` },
        rawHeaders: ['Authorization', `Bearer ${token}`, 'authorization', 'Bearer other'],
      }),
      { status: 400, code: 'invalid_request', description: messages.multipleTokens },
      token,
    );
    // A Fastify request keeps the raw header list on request.raw: guard.verify reads it there.
    const fastifyLike = (rawHeaders: string[]) => ({ method: 'GET', url: '/calendar', headers: { authorization: `Bearer ${token}` }, raw: { rawHeaders } });
    await assertRefused(
      guard.verify(fastifyLike(['Authorization', `Bearer ${token}`, 'Authorization', 'Bearer other'])),
      { status: 400, code: 'invalid_request', description: messages.multipleTokens },
      token,
    );
    assert.equal((await guard.verify(fastifyLike(['Authorization', `Bearer ${token}`]))).sub, 'user_7Hq2');
  });

  test('reads the scheme in any case, and counts Authorization headers by any spelling', async () => {
    const token = await issuer.accessToken(AUDIENCE);
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
      assert.equal((await guard.verify(request({ headers: { authorization: `${scheme} ${token}` } }))).sub, 'user_7Hq2', scheme);
    }
    for (const notBearer of ['Bearerx', 'Bear', 'DPoPx']) {
      await assertRefused(guard.verify(request({ headers: { authorization: `${notBearer} ${token}` } })), { status: 401, code: undefined, description: messages.unsupportedScheme });
    }
    for (const [first, second] of [['AUTHORIZATION', 'authorization'], ['Authorization', 'AuThOrIzAtIoN']] as const) {
      await assertRefused(
        guard.verify({ method: 'GET', url: '/calendar', headers: { authorization: `Bearer ${token}` }, rawHeaders: [first, `Bearer ${token}`, second, 'Bearer other'] }),
        { status: 400, code: 'invalid_request', description: messages.multipleTokens },
      );
    }
    const one = { method: 'GET', url: '/calendar', headers: { authorization: `Bearer ${token}` }, rawHeaders: ['AUTHORIZATION', `Bearer ${token}`, 'Authorizations', 'x'] };
    assert.equal((await guard.verify(one)).sub, 'user_7Hq2');
  });

  test('refuses a malformed Authorization header', async () => {
    await assertRefused(guard.verify(request({ headers: { authorization: 'Bearer' } })), { status: 400, code: 'invalid_request', description: messages.malformedAuthorization });
    await assertRefused(guard.verify(request({ headers: { authorization: 'Bearer a b' } })), { status: 400, code: 'invalid_request', description: messages.malformedAuthorization });
  });

  test('treats another scheme (Basic) as no token: 401 without an error code', async () => {
    const error = await assertRefused(guard.verify(request({ headers: { authorization: 'Basic dXNlcjpwYXNz' } })), {
      status: 401,
      code: undefined,
      description: messages.unsupportedScheme,
    });
    assert.equal(error.wwwAuthenticate, 'Bearer');
  });

  test('refuses tokens from the other lanes with their own descriptions', async () => {
    const cases: Array<[string, string]> = [
      ['lk_rt_Qm9yZWQgYnkgdGhpcyB0ZXN0IGFscmVhZHk', messages.refreshToken],
      ['lk_code_SplxlOBeZQQYbYS6WxSbIA', messages.authorizationCode],
      ['not-a.jwt.atall', messages.malformedToken],
      [await issuer.sign({ iss: issuer.url, aud: 'todo-web', events: { 'http://schemas.openid.net/event/backchannel-logout': {} } }, { typ: 'logout+jwt' }), messages.logoutToken],
      [await issuer.sign({ htm: 'GET', htu: 'http://api.test/calendar', jti: 'x', iat: 1 }, { typ: 'dpop+jwt' }), messages.dpopProof],
    ];
    const { publicKey } = await generateKeyPair('RSA-OAEP-256');
    cases.push([
      await new CompactEncrypt(new TextEncoder().encode('{}')).setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT' }).encrypt(publicKey),
      messages.encryptedToken,
    ]);
    for (const [token, description] of cases) {
      await assertRefused(guard.verify(request({ token })), { status: 401, code: 'invalid_token', description }, token);
    }
  });

  test('refuses an opaque token when introspection is not configured', async () => {
    const token = 'lk_at_aW50cm9zcGVjdGlvbi1pcy1ub3Qtb24';
    await assertRefused(guard.verify(request({ token })), { status: 401, code: 'invalid_token', description: messages.opaqueNotSupported }, token);
  });

  test('refuses missing scopes with 403 insufficient_scope and the scope in the challenge', async () => {
    const token = await issuer.accessToken(AUDIENCE, { claims: { scope: 'read:calendar' } });
    const error = await assertRefused(guard.verify(request({ token }), { scopes: ['read:calendar', 'write:calendar'] }), {
      status: 403,
      code: 'insufficient_scope',
      description: messages.insufficientScope(['read:calendar', 'write:calendar'], ['read:calendar']),
    }, token);
    assert.ok(error.wwwAuthenticate?.includes('scope="read:calendar write:calendar"'), error.wwwAuthenticate);
  });

  test('requireScopes needs all, requireAnyScope needs one', async () => {
    const token = await issuer.accessToken(AUDIENCE, { claims: { scope: 'read:calendar' } });
    const principal = await guard.verify(request({ token }));
    assert.doesNotThrow(() => requireScopes(principal, 'read:calendar'));
    assert.doesNotThrow(() => requireAnyScope(principal, 'admin', 'read:calendar'));
    assert.throws(() => requireScopes(principal, 'read:calendar', 'admin'), (e: unknown) => e instanceof GuardError && e.status === 403 && e.wwwAuthenticate === `Bearer error="insufficient_scope", error_description="${messages.insufficientScope(['read:calendar', 'admin'], ['read:calendar'])}", scope="read:calendar admin"`);
    assert.throws(
      () => requireAnyScope(principal, 'admin', 'write:calendar'),
      (e: unknown) => e instanceof GuardError && e.code === 'insufficient_scope' && e.description === messages.insufficientAnyScope(['admin', 'write:calendar'], ['read:calendar']),
    );
  });

  test('returns a fresh principal object per request; claims and scopes the cache shares are frozen', async () => {
    const token = await issuer.accessToken(AUDIENCE);
    const a = await guard.verify(request({ token }));
    const b = await guard.verify(request({ token }));
    assert.notEqual(a, b);
    assert.equal(a.claims, b.claims, 'the second request is answered from the verified-token cache');
    assert.ok(Object.isFrozen(a.claims));
    assert.throws(() => (a.scopes as string[]).push('admin'));
  });

  test('without the cache, each request gets claims and scopes of its own', async () => {
    const uncached = createGuard({ issuer: issuer.url, audience: AUDIENCE, cache: false });
    const token = await issuer.accessToken(AUDIENCE);
    const a = await uncached.verify(request({ token }));
    (a.claims as Record<string, unknown>)['sub'] = 'someone else';
    (a.scopes as string[]).push('admin');
    const b = await uncached.verify(request({ token }));
    assert.notEqual(a.claims, b.claims);
    assert.notEqual(b.claims['sub'], 'someone else');
    assert.ok(!b.scopes.includes('admin'));
    assert.equal(uncached.stats().signatureVerifications, 2);
  });
});

describe('guard: challenges', () => {
  let issuer: TestIssuer;
  before(async () => {
    issuer = await TestIssuer.start();
  });
  after(() => issuer.close());

  test('adds realm and resource_metadata to 401 challenges when configured', async () => {
    const guard = createGuard({ issuer: issuer.url, audience: AUDIENCE, realm: 'calendar', resourceMetadataUrl: 'https://calendar.example.com/.well-known/oauth-protected-resource' });
    const bare = await assertRefused(guard.verify(request()), { status: 401, code: undefined, description: messages.missingToken });
    assert.equal(bare.wwwAuthenticate, 'Bearer realm="calendar", resource_metadata="https://calendar.example.com/.well-known/oauth-protected-resource"');
    const idToken = await issuer.idToken();
    const refused = await assertRefused(guard.verify(request({ token: idToken })), { status: 401, code: 'invalid_token', description: messages.idToken });
    assert.equal(
      refused.wwwAuthenticate,
      `Bearer realm="calendar", error="invalid_token", error_description="${messages.idToken}", resource_metadata="https://calendar.example.com/.well-known/oauth-protected-resource"`,
    );
  });

  test('realm also appears in a 403 raised by requireScopes on a principal of that guard', async () => {
    const guard = createGuard({ issuer: issuer.url, audience: AUDIENCE, realm: 'calendar' });
    const principal = await guard.verify(request({ token: await issuer.accessToken(AUDIENCE) }));
    assert.throws(() => requireScopes(principal, 'admin'), (e: unknown) => e instanceof GuardError && e.wwwAuthenticate?.startsWith('Bearer realm="calendar", error="insufficient_scope"') === true);
  });
});

describe('guard: discovery', () => {
  test('finds path-inserted RFC 8414 metadata for an issuer with a path', async () => {
    const issuer = await TestIssuer.start({ path: '/tenant-a', discovery: 'oauth' });
    try {
      const guard = createGuard({ issuer: issuer.url, audience: AUDIENCE });
      await guard.ready();
      assert.equal((await guard.verify(request({ token: await issuer.accessToken(AUDIENCE) }))).sub, 'user_7Hq2');
    } finally {
      await issuer.close();
    }
  });

  test('falls back to OpenID Connect discovery', async () => {
    const issuer = await TestIssuer.start({ path: '/tenant-b', discovery: 'openid' });
    try {
      const guard = createGuard({ issuer: issuer.url, audience: AUDIENCE });
      assert.equal((await guard.verify(request({ token: await issuer.accessToken(AUDIENCE) }))).clientId, 'todo-web');
    } finally {
      await issuer.close();
    }
  });

  test('rejects metadata that names another issuer: ready() throws, requests get 503', async () => {
    const issuer = await TestIssuer.start({ metadataIssuer: 'https://evil.example.com' });
    try {
      const guard = createGuard({ issuer: issuer.url, audience: AUDIENCE });
      await assert.rejects(guard.ready(), /names issuer "https:\/\/evil.example.com"/);
      const token = await issuer.accessToken(AUDIENCE);
      await assertRefused(guard.verify(request({ token })), { status: 503, code: 'temporarily_unavailable', description: messages.keysUnavailable }, token);
      assert.equal(issuer.jwksFetches, 0);
    } finally {
      await issuer.close();
    }
  });

  test('uses jwksUri without discovery when given', async () => {
    const issuer = await TestIssuer.start({ metadataIssuer: 'https://not-consulted.example.com' });
    try {
      const guard = createGuard({ issuer: issuer.url, audience: AUDIENCE, jwksUri: issuer.jwksUri });
      assert.equal((await guard.verify(request({ token: await issuer.accessToken(AUDIENCE) }))).sub, 'user_7Hq2');
    } finally {
      await issuer.close();
    }
  });

  test('answers 503 when the JWKS cannot be fetched', async () => {
    const issuer = await TestIssuer.start();
    const token = await issuer.accessToken(AUDIENCE);
    await issuer.close(); // its port is now closed: connections are refused
    const guard = createGuard({ issuer: issuer.url, audience: AUDIENCE, jwksUri: issuer.jwksUri, timeout: 2 });
    await assertRefused(guard.verify(request({ token })), { status: 503, code: 'temporarily_unavailable', description: messages.keysUnavailable }, token);
    await assert.rejects(guard.ready(), /could not load the issuer's JWKS/);
  });
});
