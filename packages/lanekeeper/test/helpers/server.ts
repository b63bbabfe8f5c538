import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/load.js';
import { startServer, type RunningServer } from '../../src/http/server.js';
import { freshDatabase, type TestDatabase } from './databases.js';
import type { LanekeeperHooks } from '../../src/tokens/hooks.js';
import type { FetchDeps } from '../../src/clients/safe-fetch.js';

export const TEST_SECRET = 'test-deployment-secret-0123456789abcdef';
export const CALENDAR = 'https://calendar.example.com';
export const CONTACTS = 'https://contacts.example.com';
export const REPORTS = 'https://reports.example.com';
export const SYNC_SECRET = 'sync-job-secret-0123456789';
export const CALENDAR_API_SECRET = 'calendar-api-secret-0123456789';
export const CONTACTS_API_SECRET = 'contacts-api-secret-0123456789';

/** The configuration most tests share: two JWT APIs, one opaque API, machine clients. */
export function baseConfig(): Record<string, unknown> {
  return {
    keys: { poll_interval: 1 },
    apis: [
      {
        identifier: CALENDAR,
        name: 'Calendar API',
        scopes: { 'read:calendar': 'Read your calendar', 'write:calendar': 'Add calendar entries', 'admin:calendar': 'Administer calendars' },
        token_format: 'jwt',
        signing_alg: 'ES256',
        access_token_ttl: 600,
        client_id: 'calendar-api',
        client_secret: CALENDAR_API_SECRET,
      },
      {
        identifier: CONTACTS,
        name: 'Contacts API',
        scopes: { 'read:contacts': 'Read your contacts' },
        token_format: 'opaque',
        access_token_ttl: 300,
        client_id: 'contacts-api',
        client_secret: CONTACTS_API_SECRET,
      },
      { identifier: REPORTS, name: 'Reports API', scopes: { 'read:reports': 'Read reports' }, signing_alg: 'RS256' },
    ],
    clients: [
      {
        client_id: 'sync-job',
        client_name: 'Nightly sync',
        client_secret: SYNC_SECRET,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['client_credentials'],
        apis: { [CALENDAR]: ['read:calendar', 'write:calendar'], [CONTACTS]: ['read:contacts'] },
      },
      {
        client_id: 'calendar-reader',
        client_secret: 'calendar-reader-secret-0123',
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['client_credentials'],
        apis: { [CALENDAR]: ['read:calendar'] },
      },
    ],
  };
}

export interface TestServer extends RunningServer {
  db: TestDatabase;
  logs: string[];
  stop(): Promise<void>;
}

/** A real server on 127.0.0.1, port 0, with a fresh database of the given dialect. */
export async function startTestServer(
  dialect: 'sqlite' | 'postgres',
  inline: Record<string, unknown> = baseConfig(),
  options: { logLevel?: string; db?: TestDatabase; hooks?: LanekeeperHooks; cwd?: string; clientFetch?: Partial<FetchDeps> } = {},
): Promise<TestServer> {
  const db = options.db ?? (await freshDatabase(dialect));
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const config = loadConfig({
    env: { LANEKEEPER_SECRET: TEST_SECRET, LANEKEEPER_DATABASE_URL: db.url, PORT: '0', LANEKEEPER_LOG_LEVEL: options.logLevel ?? 'silent' },
    cwd: options.cwd ?? mkdtempSync(join(tmpdir(), 'lk-cwd-')),
    inline,
  });
  const server = await startServer(config, { logDestination: destination, ...(options.hooks ? { hooks: options.hooks } : {}), ...(options.clientFetch ? { clientFetch: options.clientFetch } : {}) });
  return Object.assign(server, {
    db,
    logs,
    async stop() {
      await server.close();
      if (!options.db) await db.drop();
    },
  });
}

export function basic(id: string, secret: string): string {
  return 'Basic ' + Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');
}

export async function postForm(url: string, form: Record<string, string | string[]>, headers: Record<string, string> = {}): Promise<Response> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
}

/** A client-credentials token for sync-job. */
export async function syncJobToken(server: RunningServer, form: Record<string, string | string[]> = { resource: CALENDAR }): Promise<Record<string, unknown>> {
  const res = await postForm(`${server.url}/token`, { grant_type: 'client_credentials', ...form }, { authorization: basic('sync-job', SYNC_SECRET) });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${JSON.stringify(body)}`);
  return body;
}
