import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startTestServer, CALENDAR, type TestServer } from '../packages/lanekeeper/test/helpers/server.js';
import { ALICE, browserConfig } from '../packages/lanekeeper/test/helpers/users.js';
import { CookieJar, get, post, hiddenField } from '../packages/lanekeeper/test/helpers/browser-flow.js';

const APP = fileURLToPath(new URL('../examples/hello-login/app.mjs', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('the README walk-through sample app (examples/hello-login)', () => {
  let server: TestServer;
  let app: ChildProcess;
  let base: string;
  before(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const config = browserConfig();
    (config.clients as unknown[]).push({
      client_id: 'hello',
      client_secret: 'hello-secret-0123456789',
      grant_types: ['authorization_code'],
      redirect_uris: [`${base}/callback`],
      apis: { [CALENDAR]: ['read:calendar'] },
    });
    server = await startTestServer('sqlite', config);
    app = spawn(process.execPath, [APP], { env: { PATH: process.env.PATH ?? '', LANEKEEPER_ISSUER: server.issuer, HELLO_SECRET: 'hello-secret-0123456789', HELLO_PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      app.stdout!.on('data', (c) => {
        out += c;
        if (out.includes('open http')) resolve();
      });
      app.stderr!.on('data', (c) => (out += c));
      app.on('exit', (code) => reject(new Error(`app exited ${code}: ${out}`)));
    });
  });
  after(async () => {
    app?.kill();
    await server?.stop();
  });

  test('signs in and shows the ID token (aud = the app) beside the access token (aud = the API)', async () => {
    const jar = new CookieJar();
    const appJar = new CookieJar();
    let res = await get(`${base}/login`, appJar);
    assert.equal(res.status, 303);
    res = await get(res.headers.get('location')!, jar);
    const loginUrl = res.headers.get('location')!;
    let html = await (await get(loginUrl, jar)).text();
    res = await post(loginUrl.split('?')[0]!, { interaction: hiddenField(html, 'interaction'), csrf: hiddenField(html, 'csrf'), email: ALICE.email, password: ALICE.password }, jar);
    const consentUrl = res.headers.get('location')!;
    html = await (await get(consentUrl, jar)).text();
    res = await post(consentUrl.split('?')[0]!, { interaction: hiddenField(html, 'interaction'), csrf: hiddenField(html, 'csrf'), decision: 'allow' }, jar);
    const callback = res.headers.get('location')!;
    assert.ok(callback.startsWith(`${base}/callback`));
    const page = await (await get(callback, appJar)).text();
    assert.match(page, /Hello, Alice Example/);
    assert.match(page, /ID token: for this app \(aud = hello\)/);
    assert.match(page, /Access token: for the API \(aud = \[&#34;https:\/\/calendar\.example\.com&#34;/);
  });
});
