import { readFileSync, existsSync, mkdirSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, resolve, isAbsolute } from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { configSchema, type ParsedConfig } from './schema.js';

/** A configuration problem: one message naming the field, meant for a person. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface Config extends Omit<ParsedConfig, 'issuer' | 'port' | 'database' | 'data_dir' | 'secret' | 'host'> {
  /** The configured issuer; undefined means "http://127.0.0.1:<bound port>". */
  issuer: string | undefined;
  port: number;
  host: string;
  /** `sqlite:<path>`, `sqlite::memory:` or `postgres://…` */
  database: string;
  dataDir: string;
  secret: string;
  /** Where each value came from, for the start-up banner. */
  warnings: string[];
  configFile: string | undefined;
}

export interface LoadOptions {
  file?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Config given inline (tests); merged over the file. */
  inline?: unknown;
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(root)';
  return `${path}: ${issue.message}`;
}

function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT: "${value}" is not a port number`);
  return port;
}

function withoutTrailingSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}

/** Loads and validates the configuration: defaults < file < environment. */
export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file = options.file ?? env.LANEKEEPER_CONFIG;
  const filePath = file ? resolve(cwd, file) : undefined;
  const raw = filePath ? readConfigFile(filePath) : {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError('the config file must hold a JSON object');
  const merged: Record<string, unknown> = { ...(raw as Record<string, unknown>), ...((options.inline as Record<string, unknown>) ?? {}) };

  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const first = result.error.issues[0]!;
    const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problem(s))` : '';
    throw new ConfigError(`invalid config: ${formatIssue(first)}${more}`);
  }
  const parsed = result.data;
  const baseDir = filePath ? dirname(filePath) : cwd;
  const warnings: string[] = [];

  const issuerEnv = env.LANEKEEPER_ISSUER;
  if (issuerEnv !== undefined && !z.url().safeParse(issuerEnv).success) throw new ConfigError(`LANEKEEPER_ISSUER: "${issuerEnv}" is not a URL`);
  const issuerRaw = issuerEnv ?? parsed.issuer;
  const issuer = issuerRaw === undefined ? undefined : withoutTrailingSlash(issuerRaw);
  if (issuer !== undefined) {
    const u = new URL(issuer);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new ConfigError('issuer: must be an http(s) URL');
    if (u.search || u.hash) throw new ConfigError('issuer: must not have a query or fragment');
  }

  const port = env.PORT !== undefined && env.PORT !== '' ? parsePort(env.PORT) : (parsed.port ?? 3000);
  const host = env.HOST ?? parsed.host ?? '127.0.0.1';
  const dataDirRaw = env.LANEKEEPER_DATA_DIR ?? parsed.data_dir ?? './.lanekeeper';
  const dataDir = isAbsolute(dataDirRaw) ? dataDirRaw : resolve(env.LANEKEEPER_DATA_DIR ? cwd : baseDir, dataDirRaw);

  let database = env.LANEKEEPER_DATABASE_URL ?? parsed.database ?? `sqlite:${resolve(dataDir, 'lanekeeper.db')}`;
  if (database.startsWith('sqlite:') && database !== 'sqlite::memory:') {
    const path = database.slice('sqlite:'.length);
    database = `sqlite:${isAbsolute(path) ? path : resolve(env.LANEKEEPER_DATABASE_URL ? cwd : baseDir, path)}`;
  } else if (!database.startsWith('postgres://') && !database.startsWith('postgresql://') && database !== 'sqlite::memory:') {
    throw new ConfigError('database: must be sqlite:<path> or postgres://…');
  }

  const production = env.NODE_ENV === 'production';
  let secret = env.LANEKEEPER_SECRET ?? parsed.secret;
  if (secret !== undefined && secret.length < 32) throw new ConfigError('LANEKEEPER_SECRET: the deployment secret needs at least 32 characters');
  if (production) {
    if (!issuer || !issuer.startsWith('https://')) throw new ConfigError('issuer: NODE_ENV=production needs an explicit https issuer (LANEKEEPER_ISSUER or "issuer")');
    if (!secret) throw new ConfigError('secret: NODE_ENV=production needs an explicit deployment secret (LANEKEEPER_SECRET or "secret")');
    if (parsed.client_id_metadata_documents.development_fixture) throw new ConfigError('client_id_metadata_documents.development_fixture: a development and test switch; NODE_ENV=production refuses to start with it');
  }
  if (!secret) {
    secret = loadOrCreateDevSecret(dataDir);
    warnings.push(`no deployment secret configured: using the generated one in ${resolve(dataDir, 'secret')} (set LANEKEEPER_SECRET in production)`);
  }

  const logLevel = env.LANEKEEPER_LOG_LEVEL ?? parsed.log_level;
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(logLevel)) throw new ConfigError(`LANEKEEPER_LOG_LEVEL: must be one of ${levels.join(', ')}`);

  return {
    ...parsed,
    ...(parsed.hooks !== undefined ? { hooks: isAbsolute(parsed.hooks) ? parsed.hooks : resolve(baseDir, parsed.hooks) } : {}),
    ...withFixtureCaPath(parsed, baseDir),
    log_level: logLevel as Config['log_level'],
    issuer,
    port,
    host,
    database,
    dataDir,
    secret,
    warnings,
    configFile: filePath,
  };
}

/** A relative development_fixture.ca_file is relative to the config file, like hooks. */
function withFixtureCaPath(parsed: ParsedConfig, baseDir: string): Partial<ParsedConfig> {
  const cimd = parsed.client_id_metadata_documents;
  const file = cimd.development_fixture?.ca_file;
  if (file === undefined || isAbsolute(file)) return {};
  return { client_id_metadata_documents: { ...cimd, development_fixture: { ...cimd.development_fixture!, ca_file: resolve(baseDir, file) } } };
}

function loadOrCreateDevSecret(dataDir: string): string {
  const path = resolve(dataDir, 'secret');
  if (existsSync(path)) {
    const value = readFileSync(path, 'utf8').trim();
    if (value.length >= 32) return value;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const value = randomBytes(32).toString('base64url');
  writeFileSync(path, value + '\n', { mode: 0o600 });
  chmodSync(path, 0o600);
  return value;
}
