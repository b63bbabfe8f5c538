import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tlsConnect } from 'node:tls';
import { DIALECTS, freshDatabase, type TestDatabase } from './helpers/databases.js';
import { startHttpsFixture, type HttpsFixture } from './helpers/https-fixture.js';
import { openStore, type Store } from '../src/store/index.js';
import { defaultConnect, FetchRefused, safeFetch, type Connect, type ConnectTarget, type FetchDeps, type Resolve } from '../src/clients/safe-fetch.js';
import { isPublicAddress } from '../src/clients/public-address.js';
import { MetadataDocumentResolver, type MetadataDocumentPolicy } from '../src/clients/metadata-document-resolver.js';
import { cacheLifetime } from '../src/clients/cache-lifetime.js';
import { metadataDocumentUrlProblem } from '../src/clients/metadata-document.js';
import { Sweeper } from '../src/maintenance/sweep.js';

const MCP_API = 'https://mcp.example.com/mcp';
const JSON_ONLY = { timeoutMs: 2000, maxBytes: 5120, accept: ['application/json'] };

/** A resolver that answers from a table and counts its calls; no DNS query is ever made. */
function fakeResolver(table: Record<string, string[]>): Resolve & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string) => {
    calls.push(hostname);
    const addresses = table[hostname];
    if (!addresses) throw new Error('ENOTFOUND');
    return addresses.map((address) => ({ address, family: (address.includes(':') ? 6 : 4) as 4 | 6 }));
  };
  return Object.assign(resolve, { calls });
}

/** A connect step that records every attempt and refuses to open anything. */
function forbiddenConnect(): Connect & { attempts: ConnectTarget[] } {
  const attempts: ConnectTarget[] = [];
  const connect: Connect = async (target) => {
    attempts.push(target);
    throw new Error('this test must not connect');
  };
  return Object.assign(connect, { attempts });
}

async function refusal(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (err) {
    assert.ok(err instanceof FetchRefused, `expected FetchRefused, got ${String(err)}`);
    return err.reason;
  }
  assert.fail('the fetch was not refused');
}

describe('the hardened fetcher refuses non-public addresses before connecting (injected resolver)', () => {
  const cases: [string, string][] = [
    ['loopback', '127.0.0.1'],
    ['private', '10.0.0.1'],
    ['cloud metadata (link-local)', '169.254.169.254'],
    ['IPv6 loopback', '::1'],
    ['IPv4-mapped IPv6 (private)', '::ffff:10.0.0.1'],
    ['IPv4-mapped IPv6 (loopback, hex form)', '::ffff:7f00:1'],
    ['IPv6 unique local (AWS metadata)', 'fd00:ec2::254'],
    ['carrier-grade NAT', '100.100.100.200'],
  ];
  for (const [label, address] of cases) {
    test(`a host resolving to ${address} (${label}) is refused and never connected to`, async () => {
      const resolve = fakeResolver({ 'client.example': [address] });
      const connect = forbiddenConnect();
      const reason = await refusal(safeFetch('https://client.example/oauth/client.json', JSON_ONLY, { resolve, connect }));
      assert.match(reason, /not a public address/);
      assert.match(reason, new RegExp(address.replace(/[.:]/g, '\\$&')));
      assert.deepEqual(resolve.calls, ['client.example']);
      assert.equal(connect.attempts.length, 0);
    });
  }

  test('a host with one public and one private address is refused (every address is checked)', async () => {
    const resolve = fakeResolver({ 'client.example': ['93.184.215.14', '192.168.1.10'] });
    const connect = forbiddenConnect();
    assert.match(await refusal(safeFetch('https://client.example/c.json', JSON_ONLY, { resolve, connect })), /192\.168\.1\.10/);
    assert.equal(connect.attempts.length, 0);
  });

  test('IP literals in the URL are checked without resolving', async () => {
    const resolve = fakeResolver({});
    const connect = forbiddenConnect();
    for (const url of ['https://169.254.169.254/latest/meta-data', 'https://[::1]/client.json', 'https://[::ffff:127.0.0.1]/c', 'https://10.1.2.3/c']) {
      assert.match(await refusal(safeFetch(url, JSON_ONLY, { resolve, connect })), /not a public address/, url);
    }
    assert.deepEqual(resolve.calls, []);
    assert.equal(connect.attempts.length, 0);
  });

  test('http URLs, URLs with credentials and unresolvable hosts are refused without connecting', async () => {
    const resolve = fakeResolver({});
    const connect = forbiddenConnect();
    assert.match(await refusal(safeFetch('http://client.example/c.json', JSON_ONLY, { resolve, connect })), /not an https URL/);
    assert.match(await refusal(safeFetch('https://user:pw@client.example/c.json', JSON_ONLY, { resolve, connect })), /user name or password/);
    assert.match(await refusal(safeFetch('https://nowhere.example/c.json', JSON_ONLY, { resolve, connect })), /could not be resolved/);
    assert.equal(connect.attempts.length, 0);
  });

  test('public addresses are recognised as public', () => {
    for (const a of ['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      assert.equal(isPublicAddress(a), !a.startsWith('::ffff:'), a);
    }
    assert.equal(isPublicAddress('not-an-ip'), false);
    assert.equal(isPublicAddress('fe80::1%eth0'), false);
  });
});

describe('the hardened fetcher against a loopback https fixture', () => {
  let fixture: HttpsFixture;
  let other: HttpsFixture;
  const opts = () => ({ ...JSON_ONLY, timeoutMs: 800, loopbackFixture: { origin: fixture.origin, ca: fixture.ca } });
  before(async () => {
    fixture = await startHttpsFixture();
    other = await startHttpsFixture();
    fixture.json('/ok.json', { hello: 'world' }, { 'cache-control': 'max-age=120' });
    fixture.route('/redirect.json', (_req, res) => res.writeHead(302, { location: 'https://169.254.169.254/' }).end());
    fixture.route('/big.json', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ pad: 'x'.repeat(6000) })));
    fixture.route('/big-chunked.json', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      for (let i = 0; i < 8; i++) res.write(`${' '.repeat(1000)}`);
      res.end('{}');
    });
    fixture.route('/slow.json', (_req, res) => {
      const timer = setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), 3000);
      res.on('close', () => clearTimeout(timer));
    });
    fixture.route('/html.json', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>hi</p>'));
    other.json('/ok.json', { hello: 'other' });
  });
  after(async () => {
    await fixture?.close();
    await other?.close();
  });

  test('the configured fixture origin is fetched, with its Cache-Control', async () => {
    const doc = await safeFetch(`${fixture.origin}/ok.json`, opts());
    assert.deepEqual(JSON.parse(doc.body), { hello: 'world' });
    assert.equal(doc.cacheControl, 'max-age=120');
  });

  test('a redirect is refused, not followed', async () => {
    assert.match(await refusal(safeFetch(`${fixture.origin}/redirect.json`, opts())), /redirect \(HTTP 302\); redirects are not followed/);
  });

  test('a body over the cap is refused, by Content-Length and while reading', async () => {
    assert.match(await refusal(safeFetch(`${fixture.origin}/big.json`, opts())), /larger than 5120 bytes/);
    assert.match(await refusal(safeFetch(`${fixture.origin}/big-chunked.json`, opts())), /larger than 5120 bytes/);
  });

  test('a slow answer is refused at the deadline', async () => {
    // The fixture answers after 3 s; the refusal names the 0.8 s deadline, so it came first.
    assert.match(await refusal(safeFetch(`${fixture.origin}/slow.json`, opts())), /did not answer within 0\.8 s/);
  });

  test('a Content-Type other than application/json is refused', async () => {
    assert.match(await refusal(safeFetch(`${fixture.origin}/html.json`, opts())), /Content-Type is "text\/html"/);
  });

  test('the switch allows exactly one loopback origin: another loopback https server is refused unconnected', async () => {
    let attempts = 0;
    const deps: FetchDeps = { resolve: fakeResolver({}), connect: async (t) => (attempts++, defaultConnect(t)) };
    assert.match(await refusal(safeFetch(`${other.origin}/ok.json`, opts(), deps)), /not a public address/);
    assert.equal(attempts, 0);
  });

  test('without the switch the fixture itself is refused', async () => {
    assert.match(await refusal(safeFetch(`${fixture.origin}/ok.json`, JSON_ONLY)), /not a public address/);
  });

  test('the host is resolved once and the connection goes to the checked address', async () => {
    const resolve = fakeResolver({ 'client.example': ['93.184.215.14'] });
    const targets: ConnectTarget[] = [];
    // The test's connect step stands in for the internet: it records the checked address,
    // then reaches the fixture on loopback, verifying the certificate for client.example.
    const connect: Connect = (target) =>
      new Promise((resolveSocket, reject) => {
        targets.push(target);
        const socket = tlsConnect({ host: '127.0.0.1', port: Number(new URL(fixture.origin).port), servername: target.servername!, ca: fixture.ca });
        socket.once('secureConnect', () => resolveSocket(socket));
        socket.once('error', reject);
      });
    const doc = await safeFetch('https://client.example/ok.json', JSON_ONLY, { resolve, connect });
    assert.deepEqual(JSON.parse(doc.body), { hello: 'world' });
    assert.deepEqual(resolve.calls, ['client.example']);
    assert.equal(targets.length, 1);
    assert.equal(targets[0]!.address, '93.184.215.14');
    assert.equal(targets[0]!.servername, 'client.example');
    assert.equal(targets[0]!.ca, undefined, 'the fixture CA is trusted only for the fixture origin');
  });
});

describe('cache lifetimes and client_id URL shapes', () => {
  test('Cache-Control max-age is honoured within [60 s, 1 day]', () => {
    assert.equal(cacheLifetime('max-age=600'), 600);
    assert.equal(cacheLifetime('public, max-age=5'), 60);
    assert.equal(cacheLifetime('max-age=999999'), 86_400);
    assert.equal(cacheLifetime('no-store'), 60);
    assert.equal(cacheLifetime(undefined), 300);
  });

  test('client_id URLs must be normalised https URLs with a path and no fragment', () => {
    assert.equal(metadataDocumentUrlProblem('https://app.example.com/client.json'), undefined);
    assert.match(metadataDocumentUrlProblem('https://app.example.com/')!, /path/);
    assert.match(metadataDocumentUrlProblem('http://app.example.com/c')!, /https/);
    assert.match(metadataDocumentUrlProblem('https://app.example.com/c#x')!, /fragment/);
    assert.match(metadataDocumentUrlProblem('https://app.example.com/a/../c')!, /"\." or "\.\."/);
    assert.match(metadataDocumentUrlProblem('https://APP.example.com/c')!, /normalised/);
  });
});

for (const dialect of DIALECTS) {
  describe(`Client ID Metadata Documents: resolving and caching (${dialect})`, () => {
    let db: TestDatabase;
    let store: Store;
    let fixture: HttpsFixture;
    let policy: MetadataDocumentPolicy;
    const url = (path: string) => `${fixture.origin}${path}`;
    const doc = (path: string, extra: Record<string, unknown> = {}) => ({
      client_id: url(path),
      client_name: 'Example MCP client',
      redirect_uris: ['http://127.0.0.1/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'none',
      ...extra,
    });
    before(async () => {
      db = await freshDatabase(dialect);
      store = await openStore(db.url);
      fixture = await startHttpsFixture();
      policy = { allowed: [], denied: [], apis: { [MCP_API]: ['read:calendar'] }, refreshTokens: false, idTokenAlg: 'RS256', timeoutMs: 800, maxBytes: 5120, loopbackFixture: { origin: fixture.origin, ca: fixture.ca } };
      fixture.json('/good.json', doc('/good.json'), { 'cache-control': 'max-age=600' });
      fixture.json('/mismatch.json', doc('/mismatch.json', { client_id: url('/someone-else.json') }));
      fixture.json('/secret.json', doc('/secret.json', { token_endpoint_auth_method: 'client_secret_basic' }));
      fixture.json('/has-secret.json', doc('/has-secret.json', { client_secret: 'shh-0123456789abcdef' }));
      fixture.json('/no-redirects.json', doc('/no-redirects.json', { redirect_uris: [] }));
      fixture.json('/bad-redirect.json', doc('/bad-redirect.json', { redirect_uris: ['http://evil.example/cb'] }));
      fixture.json('/pkjwt.json', doc('/pkjwt.json', { token_endpoint_auth_method: 'private_key_jwt', jwks_uri: url('/jwks.json') }));
      fixture.route('/jwks.json', (_req, res) =>
        res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'k1' }] })),
      );
      fixture.route('/redirect.json', (_req, res) => res.writeHead(301, { location: url('/good.json') }).end());
    });
    after(async () => {
      await fixture?.close();
      await store?.close();
      await db?.drop();
    });

    test('a valid document becomes a public, third-party client with the policy\'s APIs', async () => {
      const resolver = new MetadataDocumentResolver(store, policy);
      const { client } = await resolver.resolve(url('/good.json'));
      assert.ok(client);
      assert.equal(client.clientId, url('/good.json'));
      assert.equal(client.clientName, 'Example MCP client');
      assert.equal(client.tokenEndpointAuthMethod, 'none');
      assert.equal(client.firstParty, false);
      assert.equal(client.source, 'metadata_document');
      assert.deepEqual(client.redirectUris, ['http://127.0.0.1/callback']);
      assert.deepEqual(client.grantTypes, ['authorization_code'], 'refresh_token dropped: the policy gives no refresh tokens');
      assert.deepEqual(client.apis, { [MCP_API]: ['read:calendar'] });
    });

    test('the document is cached in the store, shared by every node, for its max-age', async () => {
      const before = fixture.hits.get('/good.json') ?? 0;
      const otherNode = new MetadataDocumentResolver(store, policy);
      assert.ok((await otherNode.resolve(url('/good.json'))).client);
      assert.equal(fixture.hits.get('/good.json') ?? 0, before, 'served from the shared cache');
      const row = await store.metadataDocuments.get(url('/good.json'), 0);
      assert.equal(row!.expires_at - row!.fetched_at, 600);
    });

    test('concurrent lookups on one node share one fetch', async () => {
      fixture.json('/concurrent.json', doc('/concurrent.json'));
      const resolver = new MetadataDocumentResolver(store, policy);
      const results = await Promise.all([1, 2, 3, 4].map(() => resolver.resolve(url('/concurrent.json'))));
      assert.ok(results.every((r) => r.client));
      assert.equal(fixture.hits.get('/concurrent.json'), 1);
    });

    const refusals: [string, string, RegExp][] = [
      ['names another client_id', '/mismatch.json', /client_id ".*someone-else\.json" is not the URL it was fetched from/],
      ['declares client_secret_basic', '/secret.json', /token_endpoint_auth_method "client_secret_basic"; secret-based methods are refused/],
      ['carries a client_secret', '/has-secret.json', /declares a client_secret/],
      ['has no redirect_uris', '/no-redirects.json', /no redirect_uris/],
      ['has an http redirect off loopback', '/bad-redirect.json', /not loopback/],
      ['redirects', '/redirect.json', /redirects are not followed/],
      ['is not there', '/missing.json', /answered HTTP 404/],
    ];
    for (const [label, path, reason] of refusals) {
      test(`a document that ${label} is refused with a clear reason, and not cached`, async () => {
        const lookup = await new MetadataDocumentResolver(store, policy).resolve(url(path));
        assert.equal(lookup.client, undefined);
        assert.match(lookup.problem!, /^the app's client metadata document \(https:\/\/127\.0\.0\.1:\d+\/.*\) cannot be used: /);
        assert.match(lookup.problem!, reason);
        assert.equal(await store.metadataDocuments.get(url(path), 0), undefined);
      });
    }

    test('private_key_jwt with a jwks_uri: the keys are fetched the same hardened way and kept inline', async () => {
      const { client } = await new MetadataDocumentResolver(store, policy).resolve(url('/pkjwt.json'));
      assert.equal(client!.tokenEndpointAuthMethod, 'private_key_jwt');
      assert.equal(client!.jwksUri, null);
      assert.equal(client!.jwks!.keys[0]!.kid, 'k1');
    });

    test('allowed and denied lists: denied wins; an allow list keeps out every other host', async () => {
      const denied = await new MetadataDocumentResolver(store, { ...policy, denied: ['127.0.0.1'] }).resolve(url('/good.json'));
      assert.match(denied.problem!, /does not accept apps from 127\.0\.0\.1/);
      const notAllowed = await new MetadataDocumentResolver(store, { ...policy, allowed: ['https://apps.example.com/'] }).resolve(url('/good.json'));
      assert.match(notAllowed.problem!, /not on the allowed list/);
      const allowed = await new MetadataDocumentResolver(store, { ...policy, allowed: [`${fixture.origin}/`] }).resolve(url('/good.json'));
      assert.ok(allowed.client);
    });

    test('the background sweep removes expired documents and keeps live ones', async () => {
      await store.metadataDocuments.put({ url: 'https://gone.example/client.json', document: '{}', fetched_at: 1, expires_at: 2 });
      const report = await new Sweeper(store, { eventRetentionDays: 90 }).sweep();
      assert.equal(report.ran, true);
      assert.ok((report.deleted.metadata_documents ?? 0) >= 1);
      assert.equal(await store.metadataDocuments.get('https://gone.example/client.json', 0), undefined);
      assert.ok(await store.metadataDocuments.get(url('/good.json'), 0), 'a live document stays');
    });

    test('a resolver whose host resolves to a private address never connects, and says why', async () => {
      const connect = forbiddenConnect();
      const resolver = new MetadataDocumentResolver(store, policy, { resolve: fakeResolver({ 'evil.example': ['169.254.169.254'] }), connect });
      const lookup = await resolver.resolve('https://evil.example/client.json');
      assert.match(lookup.problem!, /resolves to 169\.254\.169\.254, which is not a public address/);
      assert.equal(connect.attempts.length, 0);
    });
  });
}
