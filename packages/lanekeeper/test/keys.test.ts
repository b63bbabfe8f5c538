import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { postgresDatabase, sqliteDatabase, type TestDatabase } from './helpers/databases.js';
import { startTestServer, baseConfig, CALENDAR, CALENDAR_API_SECRET, TEST_SECRET, basic, postForm, syncJobToken, type TestServer } from './helpers/server.js';
import { runCli, serveProcess, type ServeProcess } from './helpers/cli.js';
import { openStore } from '../src/store/index.js';
import { Keyring } from '../src/keys/keyring.js';

async function jwks(url: string): Promise<JSONWebKeySet> {
  return (await (await fetch(`${url}/jwks`)).json()) as JSONWebKeySet;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('signing keys', () => {
  test('private keys are encrypted at rest and need the deployment secret', async () => {
    const db = sqliteDatabase();
    const store = await openStore(db.url);
    try {
      const ring = new Keyring(store, TEST_SECRET, { algorithms: ['ES256', 'RS256', 'EdDSA'], pollInterval: 60, maxTokenTtl: async () => 600 });
      await ring.init();
      const rows = await store.keys.listAll();
      assert.equal(rows.length, 6);
      for (const row of rows) {
        assert.equal(row.private_jwk.split('.').length, 5, 'a compact JWE');
        assert.ok(!row.private_jwk.includes('"d"'));
      }
      const wrong = new Keyring(store, 'another-secret-that-is-long-enough-000', { algorithms: ['ES256'], pollInterval: 60, maxTokenTtl: async () => 600 });
      await assert.rejects(wrong.init(), /deployment secret/);
    } finally {
      await store.close();
      await db.drop();
    }
  });

  test('a previous key leaves the JWKS once every token it signed has expired', async () => {
    const db = sqliteDatabase();
    const store = await openStore(db.url);
    try {
      const ring = new Keyring(store, TEST_SECRET, { algorithms: ['ES256'], pollInterval: 60, maxTokenTtl: async () => 600 });
      await ring.init();
      const first = ring.signer('ES256').kid;
      await ring.rotate();
      assert.ok(ring.publicJwks().keys.some((k) => k.kid === first), 'still published after rotation');
      assert.ok(ring.verifier(first));
      await store.db.kysely.updateTable('signing_keys').set({ publish_until: 1 }).where('kid', '=', first).execute();
      await ring.refresh();
      assert.ok(!ring.publicJwks().keys.some((k) => k.kid === first), 'retired keys leave the JWKS');
      assert.equal(ring.verifier(first), undefined);
      const retired = (await store.keys.listAll()).find((k) => k.kid === first);
      assert.equal(retired?.state, 'retired');
    } finally {
      await store.close();
      await db.drop();
    }
  });

  describe('rotation on PostgreSQL with several nodes', () => {
    let db: TestDatabase;
    let server: TestServer;
    const nodes: ServeProcess[] = [];
    let configFile: string;
    let env: Record<string, string>;
    before(async () => {
      db = await postgresDatabase();
      server = await startTestServer('postgres', baseConfig(), { db });
      configFile = join(mkdtempSync(join(tmpdir(), 'lk-cfg-')), 'lanekeeper.json');
      writeFileSync(configFile, JSON.stringify(baseConfig()));
      env = { LANEKEEPER_SECRET: TEST_SECRET, LANEKEEPER_DATABASE_URL: db.url, LANEKEEPER_LOG_LEVEL: 'warn' };
      for (let i = 0; i < 2; i++) nodes.push(await serveProcess(['--config', configFile], env));
    });
    after(async () => {
      for (const n of nodes) await n.stop();
      await server.stop();
      await db.drop();
    });

    test('a token signed before key rotate still verifies after it; new tokens use the new kid', async () => {
      const before = String((await syncJobToken(server, { resource: CALENDAR })).access_token);
      const oldKid = decodeProtectedHeader(before).kid;
      const result = await runCli(['key', 'rotate', '--alg', 'ES256', '--config', configFile, '--json'], env);
      assert.equal(result.code, 0, result.stderr);
      const rotated = JSON.parse(result.stdout) as { rotated: { alg: string; kid: string }[] };
      const newKid = rotated.rotated[0]!.kid;
      assert.notEqual(newKid, oldKid);

      const after = await until('the new kid in fresh tokens', async () => {
        const t = String((await syncJobToken(server, { resource: CALENDAR })).access_token);
        return decodeProtectedHeader(t).kid === newKid ? t : undefined;
      }, 10_000);
      const set = createLocalJWKSet(await jwks(server.url));
      for (const token of [before, after]) {
        const { payload } = await jwtVerify(token, set, { issuer: server.issuer, audience: CALENDAR, typ: 'at+jwt' });
        assert.equal(payload.sub, 'sync-job');
        const res = await postForm(`${server.url}/introspect`, { token }, { authorization: basic('calendar-api', CALENDAR_API_SECRET) });
        assert.equal(((await res.json()) as { active: boolean }).active, true);
      }
    });

    test('two server processes on one PostgreSQL agree on the JWKS after a rotation', async () => {
      const result = await runCli(['key', 'rotate', '--config', configFile, '--json'], env);
      assert.equal(result.code, 0, result.stderr);
      const current = (JSON.parse(result.stdout) as { rotated: { kid: string }[] }).rotated.map((r) => r.kid);
      const expected = (await server.store.keys.listLive()).map((k) => k.kid).sort().join(',');
      const started = Date.now();
      await until('both nodes to publish the key set in the store', async () => {
        const sets = await Promise.all(nodes.map((n) => jwks(n.url)));
        return sets.every((s) => s.keys.map((k) => k.kid).sort().join(',') === expected) ? true : undefined;
      }, 60_000);
      assert.ok(Date.now() - started < 60_000);
      const tokens = await Promise.all(
        nodes.map(async (n) => {
          const res = await postForm(`${n.url}/token`, { grant_type: 'client_credentials', resource: CALENDAR }, { authorization: basic('sync-job', 'sync-job-secret-0123456789') });
          return String(((await res.json()) as { access_token: string }).access_token);
        }),
      );
      for (const t of tokens) assert.ok(current.includes(String(decodeProtectedHeader(t).kid)), 'each node signs with the new current key');
      const crossSet = createLocalJWKSet(await jwks(nodes[1]!.url));
      await jwtVerify(tokens[0]!, crossSet, { typ: 'at+jwt' });
    });
  });
});
