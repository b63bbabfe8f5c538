import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Dialect } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Database } from './schema.js';
import { migrationProvider } from './migrations.js';

export type DialectName = 'sqlite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  dialect: DialectName;
  close(): Promise<void>;
}

async function sqliteDialect(url: string): Promise<Dialect> {
  const { default: SQLite } = await import('better-sqlite3');
  const path = url === 'sqlite::memory:' ? ':memory:' : url.slice('sqlite:'.length);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new SQLite(path);
  database.pragma('journal_mode = WAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('synchronous = NORMAL');
  return new SqliteDialect({ database: withStatementCache(database) });
}

/**
 * Kysely prepares every query anew; parsing the SQL cost as much as running it on the token
 * path. Prepared statements are kept by their SQL text (queries are parameterized, so the
 * text set is small; bounded anyway). A statement still busy iterating is never handed out twice.
 */
export function withStatementCache<D extends { prepare(sql: string): S }, S extends { busy: boolean }>(database: D, max = 500): D {
  const cache = new Map<string, S>();
  const prepare = database.prepare.bind(database);
  database.prepare = (sql: string): S => {
    const cached = cache.get(sql);
    if (cached && !cached.busy) return cached;
    const statement = prepare(sql);
    if (!cached) {
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      cache.set(sql, statement);
    }
    return statement;
  };
  return database;
}

async function postgresDialect(url: string): Promise<Dialect> {
  const pg = await import('pg');
  const Pool = pg.default.Pool;
  // bigint columns hold epoch seconds: well inside Number's exact range.
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') =>
      oid === 20 ? (v: string) => Number.parseInt(v, 10) : pg.default.types.getTypeParser(oid, format as 'text'),
  };
  const pool = new Pool({ connectionString: url, max: 10, types: types as never });
  pool.on('error', () => {
    /* an idle client lost its connection; the pool replaces it */
  });
  return new PostgresDialect({ pool });
}

/** Opens the database named by a URL (`sqlite:<path>`, `sqlite::memory:`, `postgres://…`). */
export async function openDb(url: string): Promise<Db> {
  const dialect: DialectName = url.startsWith('sqlite:') ? 'sqlite' : 'postgres';
  const kysely = new Kysely<Database>({ dialect: dialect === 'sqlite' ? await sqliteDialect(url) : await postgresDialect(url) });
  return { kysely, dialect, close: () => kysely.destroy() };
}

export interface MigrationOutcome {
  applied: string[];
}

/** Brings the schema up to date. Safe to run from several nodes at once (the migrator takes a lock). */
export async function migrate(db: Db): Promise<MigrationOutcome> {
  const migrator = new Migrator({ db: db.kysely, provider: migrationProvider, migrationTableName: 'lanekeeper_migrations', migrationLockTableName: 'lanekeeper_migrations_lock' });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
