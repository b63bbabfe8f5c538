import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { startTestServer, basic, postForm, TEST_SECRET, type TestServer } from './helpers/server.js';
import { sqliteDatabase, type TestDatabase } from './helpers/databases.js';
import { ALICE, BOB, WEB_REDIRECT, WEB_SECRET, browserConfig } from './helpers/users.js';
import { authorizationFlow, get, hiddenField, post } from './helpers/browser-flow.js';
import { runCli } from './helpers/cli.js';
import { Sweeper } from '../src/maintenance/sweep.js';

/** The app's back-channel logout endpoint: records the logout tokens it receives. */
class Receiver {
  tokens: string[] = [];
  server: Server | undefined;
  port = 0;

  async up(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const token = new URLSearchParams(body).get('logout_token');
        if (token) this.tokens.push(token);
        res.writeHead(token ? 200 : 400).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async down(): Promise<void> {
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server?.closeAllConnections();
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/backchannel-logout`;
  }

  async waitFor(count: number, ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.tokens.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} logout tokens, got ${this.tokens.length}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function configFor(receiver: Receiver): Record<string, unknown> {
  const config = browserConfig();
  for (const c of config.clients as Record<string, unknown>[]) {
    if (c.client_id === 'todo-web') {
      c.backchannel_logout_uri = receiver.url;
      c.backchannel_logout_session_required = true;
    }
  }
  return config;
}

async function signIn(server: TestServer, user: { email: string; password: string }) {
  const flow = await authorizationFlow(server, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope: 'openid', login: user, consent: 'allow' });
  const res = await postForm(`${server.url}/token`, { grant_type: 'authorization_code', code: flow.code!, code_verifier: flow.verifier, redirect_uri: WEB_REDIRECT }, { authorization: basic('todo-web', WEB_SECRET) });
  return { flow, idToken: ((await res.json()) as { id_token: string }).id_token };
}

async function logout(server: TestServer, flow: Awaited<ReturnType<typeof signIn>>['flow'], idToken: string): Promise<void> {
  const html = await (await get(`${server.url}/logout?id_token_hint=${idToken}`, flow.jar)).text();
  const done = await post(`${server.url}/logout`, { interaction: hiddenField(html, 'interaction'), csrf: hiddenField(html, 'csrf'), decision: 'logout' }, flow.jar);
  assert.equal(done.status, 200);
}

describe('back-channel logout (OpenID Connect Back-Channel Logout 1.0)', () => {
  const receiver = new Receiver();
  let db: TestDatabase;
  let server: TestServer;
  before(async () => {
    await receiver.up();
    db = sqliteDatabase();
    server = await startTestServer('sqlite', configFor(receiver), { db });
  });
  after(async () => {
    await server.stop();
    await receiver.down().catch(() => undefined);
    await db.drop();
  });

  test('logging out sends the app a logout token: typ logout+jwt, events, sid, aud, iat, jti, and no nonce', async () => {
    const { flow, idToken } = await signIn(server, ALICE);
    await logout(server, flow, idToken);
    await receiver.waitFor(1);
    const token = receiver.tokens[0]!;
    const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(`${server.issuer}/jwks`)), { issuer: server.issuer, audience: 'todo-web', typ: 'logout+jwt' });
    const id = decodeJwt(idToken);
    assert.equal(protectedHeader.typ, 'logout+jwt');
    assert.deepEqual(payload.events, { 'http://schemas.openid.net/event/backchannel-logout': {} });
    assert.equal(payload.sid, id.sid);
    assert.equal(payload.sub, id.sub);
    assert.ok(typeof payload.iat === 'number' && typeof payload.jti === 'string');
    assert.equal(payload.nonce, undefined);
  });

  test('disabling a user notifies the apps of every session they had', async () => {
    const before = receiver.tokens.length;
    const { idToken } = await signIn(server, BOB);
    const r = await runCli(['user', 'disable', BOB.email], { LANEKEEPER_SECRET: TEST_SECRET, LANEKEEPER_DATABASE_URL: db.url, LANEKEEPER_LOG_LEVEL: 'silent' });
    assert.equal(r.code, 0, r.stderr);
    await receiver.waitFor(before + 1);
    const logoutToken = decodeJwt(receiver.tokens.at(-1)!);
    assert.equal(logoutToken.sub, decodeJwt(idToken).sub);
    assert.equal(logoutToken.sid, decodeJwt(idToken).sid);
  });

  test('a session that simply expires ends for the apps too: the sweep sends the logout token', async () => {
    const before = receiver.tokens.length;
    const { idToken } = await signIn(server, ALICE);
    const sid = decodeJwt(idToken).sid as string;
    await server.store.db.kysely.updateTable('sessions').set({ expires_at: Math.floor(Date.now() / 1000) - 1 }).where('sid', '=', sid).execute();
    const report = await new Sweeper(server.store, { eventRetentionDays: 90 }).sweep();
    assert.equal(report.deleted.sessions_ended, 1);
    await receiver.waitFor(before + 1);
    assert.equal(decodeJwt(receiver.tokens.at(-1)!).sid, sid);
  });

  test('a receiver that is down gets the token after it comes back, even across a server restart', async () => {
    const before = receiver.tokens.length;
    const { flow, idToken } = await signIn(server, ALICE);
    await receiver.down();
    await logout(server, flow, idToken);
    await new Promise((r) => setTimeout(r, 1500));
    const pending = await server.store.backchannel.pending();
    assert.equal(pending.length, 1, 'the notification waits in the queue');
    assert.ok(pending[0]!.attempts >= 1, 'a delivery was tried and failed');
    await server.stop();
    await receiver.up();
    server = await startTestServer('sqlite', configFor(receiver), { db });
    await receiver.waitFor(before + 1);
    assert.equal(decodeJwt(receiver.tokens.at(-1)!).sid, decodeJwt(idToken).sid);
    // The receiver records the token when the request arrives; the sender takes the job off
    // the queue once the response is back, a moment later.
    const deadline = Date.now() + 5_000;
    while ((await server.store.backchannel.pending()).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal((await server.store.backchannel.pending()).length, 0);
  });
});
