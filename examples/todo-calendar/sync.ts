#!/usr/bin/env node
/**
 * The machine lane: a nightly reporting job with no person behind it. It gets an access
 * token with client credentials (its `sub` is its own client id), reads every entry of the
 * calendar (a reporting read), and with --try-write shows that it cannot add one (403).
 *
 *   node --import tsx examples/todo-calendar/sync.ts --issuer URL --api URL [--try-write] [--json]
 *
 * `npm run demo` prints the command with the right URLs.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import type { Entry } from './calendar-api/store.js';
import { clientSecret, rawSeed, SCOPES, SYNC_CLIENT } from './config.js';

export interface SyncOptions {
  issuer: string;
  /** The calendar API's URL (its identifier). */
  api: string;
  clientId: string;
  clientSecret: string;
  /** Also try to add an entry, which the token's scope does not allow. */
  tryWrite?: boolean;
}

export interface HttpAnswer {
  status: number;
  error?: string;
  error_description?: string;
  www_authenticate?: string;
}

export interface SyncReport {
  token: { sub: string; client_id: string; aud: string | string[]; scope: string; expires_in?: number };
  read: HttpAnswer & { view?: string; entries: Entry[] };
  write?: HttpAnswer;
}

async function answerOf(response: Response): Promise<HttpAnswer & { body: Record<string, unknown> }> {
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  const answer: HttpAnswer & { body: Record<string, unknown> } = { status: response.status, body };
  if (typeof body.error === 'string') answer.error = body.error;
  if (typeof body.error_description === 'string') answer.error_description = body.error_description;
  const challenge = response.headers.get('www-authenticate');
  if (challenge) answer.www_authenticate = challenge;
  return answer;
}

export async function runSync(options: SyncOptions): Promise<SyncReport> {
  const issuer = new URL(options.issuer);
  const config = await client.discovery(
    issuer,
    options.clientId,
    options.clientSecret,
    client.ClientSecretBasic(options.clientSecret),
    issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {},
  );
  const tokens = await client.clientCredentialsGrant(config, { resource: options.api, scope: SCOPES.read });
  const claims = decodeJwt(tokens.access_token);
  const report: SyncReport = {
    token: {
      sub: String(claims.sub),
      client_id: String(claims.client_id),
      aud: claims.aud ?? '',
      scope: String(claims.scope ?? tokens.scope ?? ''),
      ...(tokens.expires_in === undefined ? {} : { expires_in: tokens.expires_in }),
    },
    read: { status: 0, entries: [] },
  };
  const authorization = `Bearer ${tokens.access_token}`;

  const read = await answerOf(await fetch(`${options.api}/entries`, { headers: { authorization }, signal: AbortSignal.timeout(10_000) }));
  const { body, ...readAnswer } = read;
  report.read = { ...readAnswer, entries: Array.isArray(body.entries) ? (body.entries as Entry[]) : [] };
  if (typeof body.view === 'string') report.read.view = body.view;

  if (options.tryWrite) {
    const attempt = await fetch(`${options.api}/entries`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Written by the sync job', date: new Date().toISOString().slice(0, 10) }),
      signal: AbortSignal.timeout(10_000),
    });
    const { body: _ignored, ...writeAnswer } = await answerOf(attempt);
    report.write = writeAnswer;
  }
  return report;
}

function printReport(report: SyncReport, options: SyncOptions): void {
  const out: string[] = [];
  out.push(`Calendar sync: a client-credentials token for ${options.clientId}`);
  out.push(`  sub=${report.token.sub}  client_id=${report.token.client_id}  scope=${report.token.scope}`);
  out.push(`  aud=${JSON.stringify(report.token.aud)}`);
  out.push(`  No person signed in: sub is the client itself, so the calendar API gives it the reporting read (every entry).`);
  out.push('');
  out.push(`GET /entries → ${report.read.status}${report.read.view ? ` (view: ${report.read.view})` : ''}${report.read.error ? ` ${report.read.error}: ${report.read.error_description ?? ''}` : ''}`);
  for (const e of report.read.entries) out.push(`  ${e.date}  ${e.title.padEnd(28)}  owner ${e.owner}  added by ${e.created_by}`);
  const owners = new Map<string, number>();
  for (const e of report.read.entries) owners.set(e.owner, (owners.get(e.owner) ?? 0) + 1);
  out.push(`  ${report.read.entries.length} entries, ${owners.size} ${owners.size === 1 ? 'person' : 'people'}`);
  if (report.write) {
    out.push('');
    out.push(`POST /entries → ${report.write.status}${report.write.error ? ` ${report.write.error}` : ''}`);
    if (report.write.error_description) out.push(`  ${report.write.error_description}`);
    if (report.write.www_authenticate) out.push(`  WWW-Authenticate: ${report.write.www_authenticate}`);
  }
  console.log(out.join('\n'));
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      issuer: { type: 'string', default: process.env.LANEKEEPER_ISSUER },
      api: { type: 'string', default: process.env.CALENDAR_API },
      'client-id': { type: 'string', default: SYNC_CLIENT },
      'client-secret': { type: 'string', default: process.env.SYNC_CLIENT_SECRET },
      'try-write': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.issuer || !values.api) {
    console.error('usage: sync.ts --issuer <Lanekeeper URL> --api <calendar API URL> [--try-write] [--json] [--client-id ID] [--client-secret S]\n(npm run demo prints the full command)');
    return values.help ? 0 : 2;
  }
  const clientId = values['client-id'] ?? SYNC_CLIENT;
  const options: SyncOptions = {
    issuer: values.issuer,
    api: values.api.replace(/\/$/, ''),
    clientId,
    clientSecret: values['client-secret'] ?? clientSecret(rawSeed(), clientId),
    tryWrite: values['try-write'],
  };
  const report = await runSync(options);
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else printReport(report, options);
  return report.read.status === 200 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`sync failed: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
