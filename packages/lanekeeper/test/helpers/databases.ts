import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const PG_ADMIN_URL = process.env.LANEKEEPER_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  dialect: 'sqlite' | 'postgres';
  url: string;
  drop(): Promise<void>;
}

/** A fresh SQLite file in a temporary folder. */
export function sqliteDatabase(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'lk-test-'));
  return { dialect: 'sqlite', url: `sqlite:${join(dir, 'lanekeeper.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh database on the local PostgreSQL, dropped afterwards. */
export async function postgresDatabase(): Promise<TestDatabase> {
  const name = `lk_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    dialect: 'postgres',
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** Both dialects: every store and token suite runs on each. */
export const DIALECTS = ['sqlite', 'postgres'] as const;

export async function freshDatabase(dialect: 'sqlite' | 'postgres'): Promise<TestDatabase> {
  return dialect === 'sqlite' ? sqliteDatabase() : postgresDatabase();
}
