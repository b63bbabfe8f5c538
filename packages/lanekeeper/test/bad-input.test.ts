import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { startTestServer, baseConfig, CALENDAR, SYNC_SECRET, basic, postForm, type TestServer } from './helpers/server.js';
import { postgresDatabase } from './helpers/databases.js';

type Json = Record<string, unknown>;

async function expectError(res: Response, status: number, error: string): Promise<Json> {
  assert.equal(res.status, status, `status for ${error}`);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const body = (await res.json()) as Json;
  assert.equal(body.error, error);
  assert.equal(typeof body.error_description, 'string');
  return body;
}

/** Sends raw bytes, for bodies fetch would refuse to build. */
function raw(url: string, headers: Record<string, string>, body: string | Buffer): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers }, (res) => {
      let data = '';
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: data, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('bad input at the token, introspection and revocation endpoints', () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startTestServer('sqlite');
    token = `${server.url}/token`;
  });
  after(async () => {
    await server.stop();
  });
  const auth = () => ({ authorization: basic('sync-job', SYNC_SECRET) });

  test('a wrong secret with Basic is 401 invalid_client with WWW-Authenticate: Basic', async () => {
    const res = await postForm(token, { grant_type: 'client_credentials', resource: CALENDAR }, { authorization: basic('sync-job', 'wrong-secret-0000000000') });
    await expectError(res, 401, 'invalid_client');
    assert.match(String(res.headers.get('www-authenticate')), /^Basic realm=/);
  });

  test('an unknown client gets the same answer as a wrong secret', async () => {
    const known = await postForm(token, { grant_type: 'client_credentials' }, { authorization: basic('sync-job', 'wrong-secret-0000000000') });
    const unknown = await postForm(token, { grant_type: 'client_credentials' }, { authorization: basic('nobody', 'wrong-secret-0000000000') });
    assert.deepEqual(await unknown.json(), await known.json());
    assert.equal(unknown.status, known.status);
    assert.equal(unknown.headers.get('www-authenticate'), known.headers.get('www-authenticate'));
  });

  test('a wrong secret with client_secret_post is 401 invalid_client without a Basic challenge', async () => {
    const res = await postForm(token, { grant_type: 'client_credentials', client_id: 'calendar-reader', client_secret: 'nope-nope-nope-nope' });
    await expectError(res, 401, 'invalid_client');
    assert.equal(res.headers.get('www-authenticate'), null);
  });

  test('a malformed Basic header is invalid_client', async () => {
    await expectError(await postForm(token, { grant_type: 'client_credentials' }, { authorization: 'Basic !!!not-base64' }), 401, 'invalid_client');
    await expectError(await postForm(token, { grant_type: 'client_credentials' }, { authorization: 'Basic ' + Buffer.from('no-colon').toString('base64') }), 401, 'invalid_client');
  });

  test('no client authentication at all is invalid_client', async () => {
    await expectError(await postForm(token, { grant_type: 'client_credentials' }), 401, 'invalid_client');
  });

  test('two authentication methods at once is invalid_request', async () => {
    await expectError(await postForm(token, { grant_type: 'client_credentials', client_id: 'sync-job', client_secret: SYNC_SECRET }, auth()), 400, 'invalid_request');
  });

  test('an unknown grant type is unsupported_grant_type', async () => {
    await expectError(await postForm(token, { grant_type: 'urn:example:magic' }, auth()), 400, 'unsupported_grant_type');
  });

  test('a missing grant type is invalid_request', async () => {
    await expectError(await postForm(token, { resource: CALENDAR }, auth()), 400, 'invalid_request');
  });

  test('a repeated parameter other than resource is invalid_request', async () => {
    const body = await expectError(await postForm(token, { grant_type: ['client_credentials', 'client_credentials'] }, auth()), 400, 'invalid_request');
    assert.match(String(body.error_description), /grant_type/);
    await expectError(await postForm(token, { grant_type: 'client_credentials', scope: ['read:calendar', 'write:calendar'], resource: CALENDAR }, auth()), 400, 'invalid_request');
  });

  test('a repeated resource naming the same API is accepted', async () => {
    const res = await postForm(token, { grant_type: 'client_credentials', resource: [CALENDAR, CALENDAR] }, auth());
    assert.equal(res.status, 200);
  });

  test('a body over 64 KiB is 413', async () => {
    const res = await postForm(token, { grant_type: 'client_credentials', padding: 'x'.repeat(70_000) }, auth());
    await expectError(res, 413, 'invalid_request');
  });

  test('a JSON body is invalid_request', async () => {
    const res = await fetch(token, { method: 'POST', headers: { 'content-type': 'application/json', ...auth() }, body: JSON.stringify({ grant_type: 'client_credentials' }) });
    await expectError(res, 400, 'invalid_request');
  });

  test('malformed JSON is a 400, not a 500', async () => {
    const res = await fetch(token, { method: 'POST', headers: { 'content-type': 'application/json', ...auth() }, body: '{"grant_type":' });
    await expectError(res, 400, 'invalid_request');
  });

  test('an unknown content type is invalid_request', async () => {
    const res = await fetch(token, { method: 'POST', headers: { 'content-type': 'text/plain', ...auth() }, body: 'grant_type=client_credentials' });
    await expectError(res, 400, 'invalid_request');
  });

  test('no body at all is invalid_request', async () => {
    await expectError(await fetch(token, { method: 'POST', headers: auth() }), 400, 'invalid_request');
  });

  test('malformed percent-encoding and invalid UTF-8 never crash the server', async () => {
    // A form decoder keeps a malformed escape as literal text: the grant type is then unknown.
    const a = await raw(token, { 'content-type': 'application/x-www-form-urlencoded', ...auth() }, 'grant_type=%ZZ%&resource=%E0%A4%A');
    assert.equal(a.status, 400, a.body);
    assert.equal(a.headers['cache-control'], 'no-store');
    assert.equal((JSON.parse(a.body) as Json).error, 'unsupported_grant_type');
    // Invalid UTF-8 decodes to replacement characters: no grant_type at all.
    const b = await raw(token, { 'content-type': 'application/x-www-form-urlencoded', ...auth() }, Buffer.from([0x67, 0x3d, 0xff, 0xfe, 0x26]));
    assert.equal(b.status, 400, b.body);
    assert.equal((JSON.parse(b.body) as Json).error, 'invalid_request');
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);
  });

  test('a resource that is not an absolute URI is invalid_target', async () => {
    await expectError(await postForm(token, { grant_type: 'client_credentials', resource: 'calendar' }, auth()), 400, 'invalid_target');
    await expectError(await postForm(token, { grant_type: 'client_credentials', resource: `${CALENDAR}#frag` }, auth()), 400, 'invalid_target');
  });

  test('introspection and revocation refuse JSON bodies and repeated parameters too', async () => {
    for (const path of ['/introspect', '/revoke']) {
      const json = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth() }, body: '{"token":"x"}' });
      await expectError(json, 400, 'invalid_request');
      await expectError(await postForm(`${server.url}${path}`, { token: ['a', 'b'] }, auth()), 400, 'invalid_request');
    }
  });

  test('revocation without a token parameter is invalid_request', async () => {
    await expectError(await postForm(`${server.url}/revoke`, {}, auth()), 400, 'invalid_request');
  });

  test('an unknown path is a JSON 404', async () => {
    const res = await fetch(`${server.url}/nope`);
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as Json).error, 'not_found');
  });

  test('responses carry strict security headers', async () => {
    const res = await fetch(`${server.url}/.well-known/openid-configuration`);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.match(String(res.headers.get('content-security-policy')), /frame-ancestors 'none'/);
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
  });
});

describe('rate limits at the token endpoint', () => {
  test('two nodes on one PostgreSQL share a client\'s limit', async () => {
    const db = await postgresDatabase();
    const config = { ...baseConfig(), rate_limits: { token_per_client: 3, window: 60 } };
    const a = await startTestServer('postgres', config, { db });
    const b = await startTestServer('postgres', config, { db });
    try {
      const ask = (server: TestServer) => postForm(`${server.url}/token`, { grant_type: 'client_credentials', resource: CALENDAR }, { authorization: basic('sync-job', SYNC_SECRET) });
      for (const server of [a, b, a]) assert.equal((await ask(server)).status, 200);
      const limited = await ask(b);
      assert.equal(limited.status, 429, 'the fourth request is over the limit, whichever node gets it');
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
    } finally {
      await a.stop();
      await b.stop();
      await db.drop();
    }
  });

  test('a client over its limit gets 429 with Retry-After; another client is not affected', async () => {
    const server = await startTestServer('sqlite', { ...baseConfig(), rate_limits: { token_per_client: 3, window: 60 } });
    try {
      const ask = (auth: Record<string, string>, form: Record<string, string> = {}) => postForm(`${server.url}/token`, { grant_type: 'client_credentials', resource: CALENDAR, ...form }, auth);
      for (let i = 0; i < 3; i++) assert.equal((await ask({ authorization: basic('sync-job', SYNC_SECRET) })).status, 200);
      const limited = await ask({ authorization: basic('sync-job', SYNC_SECRET) });
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), '60');
      assert.equal(((await limited.json()) as Json).error, 'temporarily_unavailable');
      const other = await postForm(`${server.url}/token`, { grant_type: 'client_credentials', client_id: 'calendar-reader', client_secret: 'calendar-reader-secret-0123' });
      assert.equal(other.status, 200);
    } finally {
      await server.stop();
    }
  });
});
