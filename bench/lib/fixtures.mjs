// Large fixtures, bulk-inserted exactly as the store writes the rows (one transaction), and
// cached under bench/.cache: never minted one request at a time.
//
// - SQLite with 1,000,000 live opaque access tokens and 1,000,000 users (sharing one
//   precomputed argon2id hash), plus a sample of the tokens' plaintexts for introspection.
// - The same 1,000,000 tokens in PostgreSQL (database lanekeeper_bench).
// - Refresh tokens for the refresh row: one real login through the server makes the template
//   grant; then one grant and one refresh token per future request, rows as the store writes them.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { API, CACHE, BENCH_DIR, MACHINE_CLIENT, OPAQUE_SCOPE, ROOT, USER, WEB_CLIENT, WEB_REDIRECT, basic, benchSecrets, writeLanekeeperConfig } from './setup.mjs';
import { loginOnce } from './login-flow.mjs';

export const BIG = 1_000_000;
const SAMPLE = 20_000;
/** Tokens are issued for a day (the longest access-token lifetime); the cache is rebuilt after half of it. */
const TOKEN_TTL = 86_400;
const MAX_AGE_MS = 12 * 3600 * 1000;
export const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const PG_BENCH_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/lanekeeper_bench';

const sha256 = (v) => createHash('sha256').update(v).digest('base64url');
const now = () => Math.floor(Date.now() / 1000);

/** Starts Lanekeeper (unpinned, not measured) on a config, runs `fn(issuer)`, stops it. */
export async function withLanekeeper(configFile, fn) {
  const child = spawn(process.execPath, [join(BENCH_DIR, 'servers/lanekeeper.mjs'), configFile], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const hello = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`lanekeeper exited (${code}) while preparing a fixture`)));
  });
  try {
    return await fn(hello.issuer);
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

/** One opaque token and its row, as client_credentials writes it (oauth/grants/client-credentials.ts). */
function opaqueTokenRow(issuedAt) {
  const token = 'lk_at_' + randomBytes(32).toString('base64url');
  return [token, [sha256(token), 'lk_gr_' + randomBytes(16).toString('base64url'), MACHINE_CLIENT, MACHINE_CLIENT, JSON.stringify([API.opaque]), OPAQUE_SCOPE, randomBytes(16).toString('base64url'), issuedAt, issuedAt + TOKEN_TTL]];
}

/**
 * Reads the database file once, so it is in the OS page cache as a running server's database
 * would be; otherwise the first row after an idle spell measures the disk, not the server.
 */
function warmPageCache(path) {
  const fd = openSync(path, 'r');
  const buffer = Buffer.allocUnsafe(1 << 20);
  try {
    while (readSync(fd, buffer, 0, buffer.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

/** The SQLite database with 1,000,000 live tokens and users; rebuilt when half their lifetime has passed. */
export async function bigSqlite() {
  const dir = join(CACHE, 'big-sqlite');
  const meta = join(dir, 'meta.json');
  const db = join(dir, 'lanekeeper.db');
  if (existsSync(meta) && Date.now() - statSync(meta).mtimeMs < MAX_AGE_MS && existsSync(db)) {
    warmPageCache(db);
    return { database: `sqlite:${db}`, dbPath: db, tokensFile: join(dir, 'tokens.json') };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const config = writeLanekeeperConfig(dir, { database: `sqlite:${db}` });
  // The server creates the schema, keys, APIs, clients and the bench user (with its argon2id hash).
  await withLanekeeper(config, async () => {});
  const { default: SQLite } = await import('better-sqlite3');
  const sqlite = new SQLite(db);
  sqlite.pragma('journal_mode = WAL');
  const template = sqlite.prepare('select * from users where email = ?').get(USER.email);
  const issuedAt = now();
  const sample = [];
  const insertToken = sqlite.prepare('insert into opaque_tokens (token_hash, grant_id, client_id, sub, aud, scope, jti, issued_at, expires_at, revoked_at, jkt) values (?, ?, ?, ?, ?, ?, ?, ?, ?, null, null)');
  const insertUser = sqlite.prepare('insert into users (id, email, password_hash, claims, email_verified, permissions, roles, disabled_at, source, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, null, ?, ?, ?)');
  const t0 = Date.now();
  const step = BIG / SAMPLE;
  sqlite.transaction(() => {
    for (let i = 0; i < BIG; i++) {
      const [token, row] = opaqueTokenRow(issuedAt);
      if (i % step === 0) sample.push(token);
      insertToken.run(...row);
    }
  })();
  sqlite.transaction(() => {
    for (let i = 0; i < BIG; i++) {
      // Users share one precomputed hash (the bench user's); each has its own id and email.
      insertUser.run('lk_usr_' + randomBytes(16).toString('base64url'), `user${i}@bulk.bench.example`, template.password_hash, template.claims, 1, template.permissions, template.roles, 'cli', issuedAt, issuedAt);
    }
  })();
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.exec('analyze');
  sqlite.close();
  writeFileSync(join(dir, 'tokens.json'), JSON.stringify(sample));
  writeFileSync(meta, JSON.stringify({ builtAt: new Date().toISOString(), tokens: BIG, users: BIG, seconds: (Date.now() - t0) / 1000 }));
  return { database: `sqlite:${db}`, dbPath: db, tokensFile: join(dir, 'tokens.json') };
}

/** PostgreSQL database lanekeeper_bench (created if missing; nothing else is touched) with 1,000,000 live tokens. */
export async function bigPostgres() {
  const dir = join(CACHE, 'big-postgres');
  const meta = join(dir, 'meta.json');
  const pg = (await import('pg')).default;
  const fresh = existsSync(meta) && Date.now() - statSync(meta).mtimeMs < MAX_AGE_MS;
  if (fresh) return { database: PG_BENCH_URL, tokensFile: join(dir, 'tokens.json'), dir };
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  const exists = await admin.query('select 1 from pg_database where datname = $1', ['lanekeeper_bench']);
  if (exists.rowCount === 0) await admin.query('create database lanekeeper_bench');
  await admin.end();
  mkdirSync(dir, { recursive: true });
  const config = writeLanekeeperConfig(dir, { database: PG_BENCH_URL });
  await withLanekeeper(config, async () => {});
  const client = new pg.Client({ connectionString: PG_BENCH_URL });
  await client.connect();
  // Only this benchmark's own rows of its own database are cleared.
  await client.query('delete from opaque_tokens');
  const issuedAt = now();
  const sample = [];
  const step = BIG / SAMPLE;
  await client.query('begin');
  const batch = 20_000;
  for (let start = 0; start < BIG; start += batch) {
    const rows = [];
    for (let i = 0; i < batch; i++) {
      const [token, row] = opaqueTokenRow(issuedAt);
      if ((start + i) % step === 0) sample.push(token);
      rows.push(row);
    }
    const cols = Array.from({ length: 9 }, (_, c) => rows.map((r) => r[c]));
    await client.query(
      'insert into opaque_tokens (token_hash, grant_id, client_id, sub, aud, scope, jti, issued_at, expires_at) select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::bigint[])',
      cols,
    );
  }
  await client.query('commit');
  await client.query('analyze opaque_tokens');
  await client.end();
  writeFileSync(join(dir, 'tokens.json'), JSON.stringify(sample));
  writeFileSync(meta, JSON.stringify({ builtAt: new Date().toISOString(), tokens: BIG }));
  return { database: PG_BENCH_URL, tokensFile: join(dir, 'tokens.json'), dir };
}

/**
 * A fresh SQLite database with `count` refresh tokens, each in its own grant (family), as one
 * real login leaves them: the login makes the template grant and refresh row through the
 * server; the copies differ only in their ids and token hashes.
 */
export async function refreshTokens(dir, count) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const db = join(dir, 'lanekeeper.db');
  const config = writeLanekeeperConfig(dir, { database: `sqlite:${db}` });
  const first = await withLanekeeper(config, (issuer) => loginOnce(loginJob(issuer)));
  const { default: SQLite } = await import('better-sqlite3');
  const sqlite = new SQLite(db);
  const template = sqlite.prepare('select * from refresh_tokens where token_hash = ?').get(sha256(first.refresh_token));
  const grant = sqlite.prepare('select * from grants where id = ?').get(template.grant_id);
  const insertGrant = sqlite.prepare('insert into grants (id, kind, client_id, sub, created_at, revoked_at, revoked_reason, session_id, details, expires_at) values (?, ?, ?, ?, ?, null, null, ?, ?, ?)');
  const insertRefresh = sqlite.prepare('insert into refresh_tokens (token_hash, grant_id, client_id, issued_at, expires_at, rotated_at, jkt) values (?, ?, ?, ?, ?, null, null)');
  const tokens = new Array(count);
  sqlite.transaction(() => {
    for (let i = 0; i < count; i++) {
      const grantId = 'lk_gr_' + randomBytes(16).toString('base64url');
      const token = 'lk_rt_' + randomBytes(32).toString('base64url');
      tokens[i] = token;
      insertGrant.run(grantId, grant.kind, grant.client_id, grant.sub, grant.created_at, grant.session_id, grant.details, grant.expires_at);
      insertRefresh.run(sha256(token), grantId, template.client_id, template.issued_at, template.expires_at);
    }
  })();
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close();
  const tokensFile = join(dir, 'refresh-tokens.json');
  writeFileSync(tokensFile, JSON.stringify(tokens));
  return { config, tokensFile };
}

export function loginJob(issuer) {
  return { issuer, clientId: WEB_CLIENT, redirectUri: WEB_REDIRECT, scope: 'openid offline_access read', resource: API.es256, email: USER.email, password: USER.password, authorization: basic(WEB_CLIENT, benchSecrets().web) };
}

/** argon2id parameters of the stored password hash (its PHC string), e.g. m=19456,t=2,p=1. */
export async function passwordHashParameters(dbPath) {
  const { default: SQLite } = await import('better-sqlite3');
  const sqlite = new SQLite(dbPath, { readonly: true });
  const row = sqlite.prepare('select password_hash from users where email = ?').get(USER.email);
  sqlite.close();
  const m = /^\$(argon2\w+)\$v=(\d+)\$([^$]+)\$/.exec(row?.password_hash ?? '');
  return m ? `${m[1]} v=${m[2]} ${m[3]}` : 'unknown';
}
