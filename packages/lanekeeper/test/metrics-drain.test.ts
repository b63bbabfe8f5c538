import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { startTestServer, baseConfig, basic, postForm, syncJobToken, CALENDAR, CONTACTS, SYNC_SECRET, TEST_SECRET, type TestServer } from './helpers/server.js';
import { ALICE, WEB_REDIRECT, WEB_SECRET, browserConfig } from './helpers/users.js';
import { authorizationFlow } from './helpers/browser-flow.js';
import { serveProcess } from './helpers/cli.js';
import { postgresDatabase } from './helpers/databases.js';

interface Family {
  name: string;
  metrics: { labels?: Record<string, string>; value?: string }[];
}

describe('metrics', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('sqlite', browserConfig());
  });
  after(async () => {
    await server.stop();
  });

  test('/metrics parses as Prometheus text and counts an ID token at userinfo under its own reason', async () => {
    await syncJobToken(server, { resource: CALENDAR });
    await syncJobToken(server, { resource: CONTACTS });
    await authorizationFlow(server, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope: 'openid', login: { email: ALICE.email, password: 'not-alice-password' } }).catch(() => undefined);
    const flow = await authorizationFlow(server, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope: 'openid', login: ALICE, consent: 'allow' });
    const res = await postForm(`${server.url}/token`, { grant_type: 'authorization_code', code: flow.code!, code_verifier: flow.verifier, redirect_uri: WEB_REDIRECT }, { authorization: basic('todo-web', WEB_SECRET) });
    const { id_token } = (await res.json()) as { id_token: string };
    for (let i = 0; i < 2; i++) await fetch(`${server.url}/userinfo`, { headers: { authorization: `Bearer ${id_token}` } });
    await fetch(`${server.url}/userinfo`, { headers: { authorization: 'Bearer garbage' } });

    const text = await (await fetch(`${server.url}/metrics`)).text();
    const families = parsePrometheusTextFormat(text) as Family[];
    const family = (name: string) => families.find((f) => f.name === name);
    const refusals = family('lanekeeper_refusals_total')!;
    const idToken = refusals.metrics.find((m) => m.labels?.reason === 'id_token' && m.labels?.endpoint === '/userinfo');
    assert.equal(idToken?.value, '2', 'two ID tokens refused at userinfo, counted under reason id_token');
    assert.ok(refusals.metrics.some((m) => m.labels?.endpoint === '/userinfo' && m.labels?.reason === 'invalid_token'), 'an unknown token is counted apart from ID tokens');
    const issued = family('lanekeeper_tokens_issued_total')!;
    assert.ok(issued.metrics.some((m) => m.labels?.grant_type === 'client_credentials' && Number(m.value) >= 1));
    assert.ok(issued.metrics.some((m) => m.labels?.grant_type === 'authorization_code'));
    assert.ok(issued.metrics.some((m) => m.labels?.grant_type === 'client_credentials' && m.labels?.format === 'opaque' && m.value === '1'), 'tokens are counted by format too');
    const failures = family('lanekeeper_login_failures_total')!;
    assert.equal(failures.metrics.reduce((n, m) => n + Number(m.value), 0), 1, 'the one failed login is counted');
    assert.ok(!text.includes('not-alice-password'));
    assert.ok(family('lanekeeper_http_requests_total')!.metrics.some((m) => m.labels?.route === '/token' && m.labels?.status === '200'));
    assert.ok(family('lanekeeper_http_request_duration_seconds'));
    assert.ok(family('lanekeeper_signing_key_age_seconds')!.metrics.length >= 3);
    assert.ok(family('lanekeeper_sweep_lag_seconds'));
    assert.ok(!text.includes(id_token), 'no token in metrics');
  });

  test('/readyz is ready when the store answers and keys are loaded; /healthz is alive', async () => {
    assert.deepEqual(await (await fetch(`${server.url}/readyz`)).json(), { status: 'ready' });
    assert.deepEqual(await (await fetch(`${server.url}/healthz`)).json(), { status: 'ok' });
  });

  test('/readyz answers 503 when the store cannot be reached, while /healthz stays alive', async () => {
    const db = await postgresDatabase();
    const pgServer = await startTestServer('postgres', baseConfig(), { db });
    try {
      assert.equal((await fetch(`${pgServer.url}/readyz`)).status, 200);
      await db.drop(); // drops the database under the running server, ending its connections
      const res = await fetch(`${pgServer.url}/readyz`);
      assert.equal(res.status, 503);
      assert.deepEqual(await res.json(), { status: 'unavailable' });
      assert.equal((await fetch(`${pgServer.url}/healthz`)).status, 200);
    } finally {
      await pgServer.stop().catch(() => undefined);
    }
  });

  test('a metrics token protects /metrics', async () => {
    const guarded = await startTestServer('sqlite', { ...baseConfig(), metrics: { token: 'metrics-token-0123456789' } });
    try {
      assert.equal((await fetch(`${guarded.url}/metrics`)).status, 401);
      assert.equal((await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } })).status, 200);
    } finally {
      await guarded.stop();
    }
  });
});

/** One token request on its own connection: 'refused' if it was never accepted, else its status or the error. */
function tokenRequest(url: string): Promise<number | 'refused' | string> {
  return new Promise((resolve) => {
    const body = new URLSearchParams({ grant_type: 'client_credentials', resource: CALENDAR }).toString();
    const req = httpRequest(`${url}/token`, { method: 'POST', agent: false, headers: { connection: 'close', 'content-type': 'application/x-www-form-urlencoded', authorization: basic('sync-job', SYNC_SECRET), 'content-length': Buffer.byteLength(body) } }, (res) => {
      let data = '';
      res.on('data', (c) => (data += c));
      res.on('end', () => {
        try {
          JSON.parse(data);
          resolve(res.statusCode!);
        } catch {
          resolve(`incomplete body (${res.statusCode})`);
        }
      });
      res.on('error', (err) => resolve(`response error ${err.message}`));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED' ? 'refused' : `error ${err.code ?? err.message}`));
    req.end(body);
  });
}

describe('SIGTERM drains', () => {
  test('under load, every accepted request gets a complete response, then the process exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lk-drain-'));
    const file = join(dir, 'lanekeeper.json');
    writeFileSync(file, JSON.stringify(baseConfig()));
    const node = await serveProcess(['--config', file], { LANEKEEPER_SECRET: TEST_SECRET, LANEKEEPER_DATABASE_URL: `sqlite:${join(dir, 'lk.db')}`, LANEKEEPER_LOG_LEVEL: 'info' });
    const results: (number | string)[] = [];
    const deadline = Date.now() + 10_000;
    let stopped = false;
    const workers = Array.from({ length: 8 }, async () => {
      for (let i = 0; i < 150 && Date.now() < deadline; i++) {
        const r = await tokenRequest(node.url);
        results.push(r);
        if (r === 'refused') return;
      }
    });
    await new Promise((r) => setTimeout(r, 600));
    const exited = new Promise<number | null>((resolve) => node.child.once('exit', (code) => resolve(code)));
    node.child.kill('SIGTERM');
    stopped = true;
    await Promise.all(workers);
    const code = await exited;
    assert.ok(stopped);
    assert.equal(code, 0, node.output());
    const completed = results.filter((r) => typeof r === 'number');
    const drained = node.output().split('\n').filter((l) => l.includes('"msg":"drained"')).map((l) => JSON.parse(l) as { received: number; answered: number })[0];
    assert.ok(drained, 'the server reported its drain');
    assert.ok(completed.length > 20, `load ran (${completed.length} responses)`);
    assert.equal(drained.answered, drained.received, 'every request the server accepted was answered');
    // Requests that arrive on a closing server are answered 503 before the hooks run, so clients may count more answers.
    assert.ok(completed.length >= drained.answered, 'and every answer reached its client complete');
    assert.ok(completed.every((s) => s === 200 || s === 503), `statuses: ${[...new Set(completed)].join(',')}`);
    // Connections the kernel queued but the server never read are reset or refused: never a half answer.
    assert.ok(results.every((r) => typeof r === 'number' || r === 'refused' || r === 'error ECONNRESET'), `unexpected: ${results.filter((r) => typeof r === 'string').join(',')}`);
  });
});
