// The scenario without a browser: the machine lane (the sync script), the calendar API's
// RFC 9728 metadata and challenge, the app's HTTP hardening, and `npm run demo`'s entry point.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { calendarSeed } from '../examples/todo-calendar/config.js';
import { startStack, type Stack } from '../examples/todo-calendar/stack.js';
import type { SyncReport } from '../examples/todo-calendar/sync.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SYNC = fileURLToPath(new URL('../examples/todo-calendar/sync.ts', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a node script (TypeScript through tsx) to its end, within a time limit. */
function runNode(args: string[], timeoutMs = 30_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out: ${args.join(' ')}\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let stack: Stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.close();
});

describe('the machine lane: the sync script with client credentials', { timeout: 90_000 }, () => {
  let report: SyncReport;
  before(async () => {
    const run = await runNode([SYNC, '--issuer', stack.issuer, '--api', stack.apiUrl, '--try-write', '--json']);
    assert.equal(run.code, 0, run.stderr);
    report = JSON.parse(run.stdout) as SyncReport;
  });

  test('gets a client-credentials token whose sub is the client itself, for the calendar API, read only', () => {
    assert.equal(report.token.sub, 'calendar-sync');
    assert.equal(report.token.client_id, 'calendar-sync');
    assert.equal(report.token.aud, stack.apiUrl);
    assert.equal(report.token.scope, 'read:calendar');
  });

  test('reads every seeded entry, of every person (the reporting read)', () => {
    assert.equal(report.read.status, 200);
    assert.equal(report.read.view, 'all');
    const titles = report.read.entries.map((e) => e.title).sort();
    assert.deepEqual(titles, calendarSeed().map((e) => e.title).sort());
    assert.equal(new Set(report.read.entries.map((e) => e.owner)).size, 2, 'entries of both demo users');
    assert.ok(report.read.entries.every((e) => e.owner.startsWith('lk_')), 'owned by people, not by the client');
  });

  test('trying to write with the sync token fails with 403 insufficient_scope', () => {
    assert.equal(report.write?.status, 403);
    assert.equal(report.write?.error, 'insufficient_scope');
    assert.match(report.write?.www_authenticate ?? '', /scope="write:calendar"/);
  });

  test('prints a readable report by default', async () => {
    const run = await runNode([SYNC, '--issuer', stack.issuer, '--api', stack.apiUrl, '--try-write']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /sub=calendar-sync {2}client_id=calendar-sync {2}scope=read:calendar/);
    assert.match(run.stdout, /GET \/entries → 200 \(view: all\)/);
    assert.match(run.stdout, /Dentist appointment/);
    assert.match(run.stdout, /POST \/entries → 403 insufficient_scope/);
  });

  test('the calendar API serves RFC 9728 metadata at its well-known URL, naming itself and Lanekeeper', async () => {
    const response = await fetch(`${stack.apiUrl}/.well-known/oauth-protected-resource`);
    assert.equal(response.status, 200);
    const metadata = (await response.json()) as Record<string, unknown>;
    assert.equal(metadata.resource, stack.apiUrl);
    assert.deepEqual(metadata.authorization_servers, [stack.issuer]);
    assert.deepEqual(metadata.scopes_supported, ['read:calendar', 'write:calendar']);
  });

  test('the calendar API answers a request with no token 401, pointing at its metadata', async () => {
    const response = await fetch(`${stack.apiUrl}/entries`);
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('www-authenticate'), `Bearer resource_metadata="${stack.apiUrl}/.well-known/oauth-protected-resource"`);
  });

  test('the calendar API checks the token before the body: a POST with no token and a body it cannot parse is 401, not 400', async () => {
    const response = await fetch(`${stack.apiUrl}/entries`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title": ' });
    assert.equal(response.status, 401);
    assert.equal(((await response.json()) as { error_description?: string }).error_description, 'this API needs an access token in the Authorization header (Bearer or DPoP scheme)');
  });
});

describe('the to-do app over HTTP', () => {
  test('pages carry a CSP that allows no script, and the session cookie is HttpOnly and SameSite=Lax', async () => {
    const response = await fetch(stack.appUrl);
    assert.equal(response.status, 200);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /script-src/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const cookie = response.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^todo_session=[\w-]{43};/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.doesNotMatch(await response.text(), /<script/i);
  });

  test('a POST without the session\'s CSRF token is refused with 403', async () => {
    const cookie = ((await fetch(stack.appUrl)).headers.get('set-cookie') ?? '').split(';')[0]!;
    for (const path of ['/todos', '/lanes/send', '/logout']) {
      const response = await fetch(`${stack.appUrl}${path}`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'title=x&date=2030-01-01&token=id&csrf=wrong',
        redirect: 'manual',
      });
      assert.equal(response.status, 403, path);
    }
  });

  test('sign-in starts an authorization code flow with PKCE, a nonce and the calendar API as resource', async () => {
    const response = await fetch(`${stack.appUrl}/login`, { redirect: 'manual' });
    assert.equal(response.status, 303);
    const target = new URL(response.headers.get('location')!);
    assert.equal(target.origin, stack.issuer);
    assert.equal(target.searchParams.get('client_id'), 'todo-app');
    assert.equal(target.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(target.searchParams.get('nonce') && target.searchParams.get('state'));
    assert.equal(target.searchParams.get('resource'), stack.apiUrl);
    assert.deepEqual(target.searchParams.get('scope')?.split(' '), ['openid', 'profile', 'email', 'offline_access', 'read:calendar', 'write:calendar']);
  });
});

describe('npm run demo', { timeout: 60_000 }, () => {
  test('starts Lanekeeper, the API, the app and the MCP server, prints their URLs and the demo accounts, and stops cleanly on SIGINT', async () => {
    const scripts = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const [command, ...args] = (scripts.demo ?? '').split(' ');
    assert.equal(command, 'node', 'the demo script runs node');
    const { TODO_DPOP: _dpop, ...env } = process.env; // the demo's default: DPoP on
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the demo did not start in 30 s:\n${out}`)), 30_000);
        const check = () => {
          if (out.includes('Press Ctrl-C')) {
            clearTimeout(timer);
            resolve();
          }
        };
        child.stdout.on('data', check);
        void exited.then((code) => reject(new Error(`the demo exited (${code}):\n${out}`)));
      });

      const url = (label: string) => out.match(new RegExp(`${label}\\s+(http://127\\.0\\.0\\.1:\\d+)`))?.[1];
      const app = url('To-do app');
      const api = url('Calendar API');
      const issuer = url('Lanekeeper');
      const mcp = out.match(/MCP server\s+(http:\/\/127\.0\.0\.1:\d+\/mcp)/)?.[1];
      assert.ok(app && api && issuer && mcp, `the URLs printed:\n${out}`);
      assert.equal(new Set([app, api, issuer, new URL(mcp).origin]).size, 4);
      assert.match(out, /alice@example\.com \/ alice-demo-password/);
      assert.match(out, /bob@example\.com \/ bob-demo-password/);
      assert.match(out, /sync\.ts --issuer http:\/\/127\.0\.0\.1:\d+ --api http:\/\/127\.0\.0\.1:\d+/);
      assert.match(out, /DPoP is on: the to-do app's access tokens are bound to a key per session \(TODO_DPOP=0 turns it off\)/);

      assert.equal((await fetch(app)).status, 200);
      assert.equal(((await (await fetch(`${api}/.well-known/oauth-protected-resource`)).json()) as { resource: string }).resource, api);
      assert.equal(((await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { issuer: string }).issuer, issuer);
      const unauthenticated = await fetch(mcp, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      assert.equal(unauthenticated.status, 401, 'the MCP server answers, and wants a token');
      assert.match(unauthenticated.headers.get('www-authenticate') ?? '', /resource_metadata=/);
      const configFile = out.match(/generated from the seed: (\S+)/)?.[1];
      assert.ok(configFile && existsSync(configFile));

      child.kill('SIGINT');
      const code = await Promise.race([exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 15_000))]);
      assert.equal(code, 0, `the demo exits 0 on SIGINT:\n${out}`);
      assert.match(out, /Stopped\./);
      for (const target of [app, api, issuer, mcp]) {
        await assert.rejects(fetch(target), 'nothing listens any more');
      }
      assert.equal(existsSync(configFile), false, 'the temporary data folder is removed');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
