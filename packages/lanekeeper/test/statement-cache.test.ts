import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import SQLite from 'better-sqlite3';
import { withStatementCache } from '../src/store/open.js';
import { openStore } from '../src/store/index.js';
import { sqliteDatabase } from './helpers/databases.js';

describe('SQLite statement cache', () => {
  test('hands out one prepared statement per SQL text, and a fresh one while it is busy iterating', () => {
    const db = withStatementCache(new SQLite(':memory:'));
    try {
      db.exec('create table t (x integer)');
      db.exec('insert into t values (1), (2)');
      const a = db.prepare('select x from t where x > ?');
      assert.equal(db.prepare('select x from t where x > ?'), a, 'the same SQL text reuses the statement');
      assert.notEqual(db.prepare('select x from t where x < ?'), a);
      const rows = a.iterate(0);
      rows.next();
      const b = db.prepare('select x from t where x > ?');
      assert.notEqual(b, a, 'a statement busy iterating is not reused');
      assert.deepEqual(b.all(1), [{ x: 2 }]);
      rows.return?.();
      assert.equal(db.prepare('select x from t where x > ?'), a, 'reused again once no longer busy');
    } finally {
      db.close();
    }
  });

  test('is bounded: the oldest statement is dropped beyond the limit', () => {
    const db = withStatementCache(new SQLite(':memory:'), 2);
    try {
      const first = db.prepare('select 1');
      db.prepare('select 2');
      db.prepare('select 3');
      assert.notEqual(db.prepare('select 1'), first);
    } finally {
      db.close();
    }
  });

  test('the store reads what it wrote through cached statements, with different parameters each time', async () => {
    const database = sqliteDatabase();
    const store = await openStore(database.url);
    try {
      for (const id of ['a', 'b', 'c']) {
        await store.opaqueTokens.insert({ token_hash: `h-${id}`, grant_id: `g-${id}`, client_id: 'c', sub: 'c', aud: '["x"]', scope: 'read', jti: `j-${id}`, issued_at: 1, expires_at: 2, revoked_at: null, jkt: null });
      }
      for (const id of ['c', 'a', 'b']) assert.equal((await store.opaqueTokens.findByHash(`h-${id}`))?.jti, `j-${id}`);
      assert.equal(await store.opaqueTokens.findByHash('h-none'), undefined);
    } finally {
      await store.close();
      await database.drop();
    }
  });
});
