import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { DIALECTS, freshDatabase, type TestDatabase } from './helpers/databases.js';
import { openStore, type Store } from '../src/store/index.js';
import { Sweeper } from '../src/maintenance/sweep.js';

const N = 100_000;
const NOW = Math.floor(Date.now() / 1000);
const PAST = NOW - 3600;
const FUTURE = NOW + 3600;

/** Inserts N rows with one recursive query (portable between SQLite and PostgreSQL). */
async function seed(store: Store, table: string, columns: string, values: string, count = N): Promise<void> {
  await sql.raw(`insert into ${table} (${columns}) select ${values} from (with recursive n(x) as (select 1 union all select x + 1 from n where x < ${count}) select x from n) seq`).execute(store.db.kysely);
}

async function count(store: Store, table: string, where = '1=1'): Promise<number> {
  const r = await sql.raw<{ c: number | string }>(`select count(*) as c from ${table} where ${where}`).execute(store.db.kysely);
  return Number(r.rows[0]!.c);
}

for (const dialect of DIALECTS) {
  describe(`the sweep (${dialect})`, () => {
    let db: TestDatabase;
    let store: Store;
    before(async () => {
      db = await freshDatabase(dialect);
      store = await openStore(db.url);
      const kinds: [string, string, (t: number, p: string) => string][] = [
        ['codes', 'code_hash, grant_id, client_id, redirect_uri, code_challenge, expires_at', (t, p) => `'${p}' || x, 'g', 'c', 'https://a/cb', 'x', ${t}`],
        ['refresh_tokens', 'token_hash, grant_id, client_id, issued_at, expires_at', (t, p) => `'${p}' || x, 'g', 'c', 1, ${t}`],
        ['opaque_tokens', 'token_hash, grant_id, client_id, sub, aud, scope, jti, issued_at, expires_at', (t, p) => `'${p}' || x, 'g', 'c', 's', '[]', '', 'j', 1, ${t}`],
        ['revoked_jtis', 'jti, expires_at', (t, p) => `'${p}' || x, ${t}`],
        ['used_assertions', 'id, expires_at', (t, p) => `'${p}' || x, ${t}`],
        ['sessions', 'id, sid, user_id, auth_time, amr, created_at, last_seen_at, expires_at', (t, p) => `'${p}' || x, '${p}sid' || x, 'u', 1, '[]', 1, 1, ${t}`],
        ['interactions', 'id, browser_hash, csrf, request, created_at, expires_at', (t, p) => `'${p}' || x, 'b', 'c', '{}', 1, ${t}`],
        ['rate_limits', 'key, count, reset_at', (t, p) => `'${p}' || x, 1, ${t}`],
        ['metadata_documents', 'url, document, fetched_at, expires_at', (t, p) => `'${p}' || x, '{}', 1, ${t}`],
        ['grants', 'id, kind, client_id, sub, created_at, expires_at', (t, p) => `'${p}' || x, 'authorization_code', 'c', 's', 1, ${t}`],
        ['events', 'id, at, type, actor, details', (t, p) => `'${p}' || x, ${t === PAST ? NOW - 200 * 86_400 : NOW}, 't', 'a', '{}'`],
      ];
      for (const [table, columns, values] of kinds) {
        await seed(store, table, columns, values(PAST, 'dead-'));
        await seed(store, table, columns, values(FUTURE, 'live-'), 100);
      }
      await seed(store, 'grants', 'id, kind, client_id, sub, created_at', `'cc-' || x, 'client_credentials', 'c', 'c', 1`, 50);
    });
    after(async () => {
      await store.close();
      await db.drop();
    });

    test('two nodes never sweep at once; the sweep removes every expired row and no live one', async () => {
      const a = new Sweeper(store, { eventRetentionDays: 90 });
      const b = new Sweeper(store, { eventRetentionDays: 90 });
      const [ra, rb] = await Promise.all([a.sweep(), b.sweep()]);
      assert.equal([ra, rb].filter((r) => r.ran).length, 1, 'exactly one node held the lease');
      const report = ra.ran ? ra : rb;
      const keyOf = (table: string) =>
        ({ rate_limits: 'key', codes: 'code_hash', refresh_tokens: 'token_hash', opaque_tokens: 'token_hash', revoked_jtis: 'jti', metadata_documents: 'url' })[table] ?? 'id';
      for (const table of ['codes', 'refresh_tokens', 'opaque_tokens', 'revoked_jtis', 'used_assertions', 'sessions', 'interactions', 'rate_limits', 'metadata_documents', 'grants', 'events']) {
        assert.equal(report.deleted[table], N, `${table}: deleted`);
        assert.equal(await count(store, table, `${keyOf(table)} like 'dead-%'`), 0, `${table}: none expired remain`);
        assert.equal(await count(store, table, `${keyOf(table)} like 'live-%'`), 100, `${table}: live rows untouched`);
      }
      assert.equal(report.deleted.sessions_ended, N, 'expired sessions were ended (for back-channel logout) before they were purged');
      assert.equal(await count(store, 'grants', "id like 'cc-%'"), 50, 'grants without an end are kept');
      assert.equal(await count(store, 'leases', "name = 'sweep'"), 0, 'the lease is released');
      assert.equal(await count(store, 'leases', "name = 'sweep:done'"), 1, 'the finish is recorded for the sweep-lag metric');
      assert.equal((await a.sweep()).ran, true, 'after release, either node may sweep');
    });
  });
}
