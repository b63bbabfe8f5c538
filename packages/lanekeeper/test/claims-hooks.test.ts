import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { startTestServer, basic, postForm, CALENDAR, type TestServer } from './helpers/server.js';
import { ALICE, WEB_REDIRECT, WEB_SECRET, browserConfig } from './helpers/users.js';
import { authorizationFlow } from './helpers/browser-flow.js';
import type { ClaimsHookContext } from '../src/tokens/hooks.js';

async function tokensFor(server: TestServer): Promise<{ access: Record<string, unknown>; id: Record<string, unknown> }> {
  const flow = await authorizationFlow(server, { clientId: 'todo-web', redirectUri: WEB_REDIRECT, scope: 'openid profile read:calendar', resource: CALENDAR, params: { nonce: 'real-nonce' }, login: ALICE, consent: 'allow' });
  const res = await postForm(`${server.url}/token`, { grant_type: 'authorization_code', code: flow.code!, code_verifier: flow.verifier, redirect_uri: WEB_REDIRECT }, { authorization: basic('todo-web', WEB_SECRET) });
  const body = (await res.json()) as { access_token: string; id_token: string };
  return { access: decodeJwt(body.access_token), id: decodeJwt(body.id_token) };
}

describe('custom claims', () => {
  const servers: TestServer[] = [];
  after(async () => {
    for (const s of servers) await s.stop();
  });

  test('hooks add claims per API and client; reserved claims cannot be overridden', async () => {
    const seen: ClaimsHookContext[] = [];
    const server = await startTestServer('sqlite', browserConfig(), {
      hooks: {
        accessTokenClaims(ctx) {
          seen.push(ctx);
          return ctx.api?.identifier === CALENDAR
            ? { tenant: 'acme', sub: 'someone-else', scope: 'admin:everything', aud: 'https://evil.example.com', iss: 'https://evil.example.com', exp: 4_000_000_000, iat: 1, jti: 'forged-jti', client_id: 'another-client', cnf: { jkt: 'forged' }, nonce: 'forged' }
            : {};
        },
        idTokenClaims(ctx) {
          return { locale_hint: `hello ${ctx.user?.email}`, aud: 'another-app', nonce: 'forged', scope: 'openid admin', sid: 'x', iss: 'https://evil.example.com', sub: 'someone-else', exp: 4_000_000_000, iat: 1, jti: 'forged-jti', client_id: 'another-client', cnf: { jkt: 'forged' } };
        },
      },
    });
    servers.push(server);
    const { access, id } = await tokensFor(server);
    assert.equal(access.tenant, 'acme');
    assert.match(String(access.sub), /^lk_usr_/);
    assert.ok(!String(access.scope).includes('admin:everything'));
    assert.deepEqual(access.aud, [CALENDAR, `${server.issuer}/userinfo`]);
    assert.equal(access.iss, server.issuer);
    assert.equal(Number(access.exp) - Number(access.iat), 600, 'exp and iat are the server\'s (the API\'s 600 s lifetime)');
    assert.notEqual(access.jti, 'forged-jti');
    assert.equal(access.client_id, 'todo-web');
    assert.equal(access.cnf, undefined, 'a hook cannot bind the token to a key');
    assert.equal(access.nonce, undefined);
    assert.equal(id.locale_hint, `hello ${ALICE.email}`);
    assert.equal(id.aud, 'todo-web');
    assert.equal(id.nonce, 'real-nonce');
    assert.equal(id.scope, undefined);
    assert.notEqual(id.sid, 'x');
    assert.equal(id.iss, server.issuer);
    assert.equal(id.sub, access.sub);
    assert.ok(id.exp !== 4_000_000_000 && id.iat !== 1 && Number(id.exp) > Number(id.iat), 'exp and iat are the server\'s');
    assert.notEqual(id.jti, 'forged-jti');
    assert.notEqual(id.client_id, 'another-client');
    assert.equal(id.cnf, undefined);
    assert.equal(seen[0]?.client.clientId, 'todo-web');
    assert.equal(seen[0]?.user?.email, ALICE.email);
  });

  test('the config file names a hooks module, loaded relative to the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lk-hooks-'));
    writeFileSync(join(dir, 'claims.mjs'), 'export function accessTokenClaims({ client }) { return { app: client.clientId }; }\n');
    const config = { ...browserConfig(), hooks: './claims.mjs' };
    const server = await startTestServer('sqlite', config, { cwd: dir });
    servers.push(server);
    const { access } = await tokensFor(server);
    assert.equal(access.app, 'todo-web');
  });
});
