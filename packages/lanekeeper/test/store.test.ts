import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, freshDatabase, type TestDatabase } from './helpers/databases.js';
import { TEST_SECRET } from './helpers/server.js';
import { openStore, openDb, migrate, type Store } from '../src/store/index.js';
import { Keyring } from '../src/keys/keyring.js';
import { Registry } from '../src/clients/registry.js';

for (const dialect of DIALECTS) {
  describe(`store (${dialect})`, () => {
    let db: TestDatabase;
    let store: Store;
    before(async () => {
      db = await freshDatabase(dialect);
      store = await openStore(db.url);
    });
    after(async () => {
      await store.close();
      await db.drop();
    });

    test('migrations are idempotent', async () => {
      const again = await openDb(db.url);
      try {
        assert.deepEqual((await migrate(again)).applied, []);
      } finally {
        await again.close();
      }
    });

    test('an assertion jti is accepted exactly once under 20 concurrent uses', async () => {
      const results = await Promise.all(Array.from({ length: 20 }, () => store.jtis.useAssertionOnce('c', 'same-jti', 2_000_000_000)));
      assert.equal(results.filter(Boolean).length, 1);
    });

    test('two nodes initialising keys at once end with one current and one next key per algorithm', async () => {
      const rings = [0, 1, 2].map(() => new Keyring(store, TEST_SECRET, { algorithms: ['ES256', 'EdDSA'], pollInterval: 60, maxTokenTtl: async () => 600 }));
      await Promise.all(rings.map((r) => r.init()));
      const live = await store.keys.listLive();
      for (const alg of ['ES256', 'EdDSA']) {
        assert.equal(live.filter((k) => k.alg === alg && k.state === 'current').length, 1);
        assert.equal(live.filter((k) => k.alg === alg && k.state === 'next').length, 1);
      }
      const kids = new Set(rings.map((r) => r.signer('ES256').kid));
      assert.equal(kids.size, 1, 'every node signs with the same key');
    });

    test('config import is an upsert: a second import updates, keeps created_at, and stores secrets hashed', async () => {
      const registry = new Registry(store, 0);
      const api = { identifier: 'https://a.example.com', scopes: { read: 'Read' }, token_format: 'jwt' as const, signing_alg: 'ES256' as const, access_token_ttl: 600 };
      const client = { client_id: 'c1', client_secret: 'c1-secret-0123456789', token_endpoint_auth_method: 'client_secret_basic' as const, grant_types: ['client_credentials' as const], apis: { 'https://a.example.com': ['read'] }, redirect_uris: [], post_logout_redirect_uris: [], first_party: false, id_token_signed_response_alg: 'RS256' as const, dpop_bound_access_tokens: false, backchannel_logout_session_required: false };
      await registry.importConfig({ apis: [api], clients: [client] });
      const first = await store.clients.get('c1');
      await registry.importConfig({ apis: [{ ...api, scopes: { read: 'Read', write: 'Write' } }], clients: [{ ...client, client_name: 'Renamed' }] });
      const second = await store.clients.get('c1');
      assert.equal(second?.clientName, 'Renamed');
      assert.equal(second?.createdAt, first?.createdAt);
      assert.deepEqual((await store.apis.get('https://a.example.com'))?.scopes, { read: 'Read', write: 'Write' });
      assert.match(String(second?.secretHash), /^sha256:/);
      assert.ok(!JSON.stringify(second).includes('c1-secret-0123456789'));
    });

  });
}
