import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import type { Browser } from 'playwright-core';
import { startTestServer, CALENDAR, type TestServer } from '../packages/lanekeeper/test/helpers/server.js';
import { ALICE, WEB_SECRET, browserConfig } from '../packages/lanekeeper/test/helpers/users.js';
import { launchChromium, captureBothWidths, seriousViolations } from './helpers/browser.js';
import { startAppServer, type AppServer } from './helpers/app-server.js';

describe('the account page (Chromium)', () => {
  let server: TestServer;
  let app: AppServer;
  let browser: Browser;
  before(async () => {
    app = await startAppServer();
    const config = browserConfig();
    for (const c of config.clients as Record<string, unknown>[]) if (c.client_id === 'todo-web') c.redirect_uris = [`${app.origin}/web/callback`];
    server = await startTestServer('sqlite', config);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    await app?.close();
  });

  test("removing an app's access on /account makes that app's refresh token fail", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // The account page asks a signed-out person to sign in first.
    await page.goto(`${server.issuer}/account`);
    await page.getByLabel('Email').fill(ALICE.email);
    await page.getByLabel('Password').fill(ALICE.password);
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.waitForURL(`${server.issuer}/account`);
    assert.match(await page.locator('main').innerText(), /No app has access/);

    const config = await client.discovery(new URL(server.issuer), 'todo-web', WEB_SECRET, undefined, { execute: [client.allowInsecureRequests] });
    const verifier = client.randomPKCECodeVerifier();
    await page.goto(
      client.buildAuthorizationUrl(config, { redirect_uri: `${app.origin}/web/callback`, scope: 'openid email offline_access read:calendar', resource: CALENDAR, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 'a1' }).href,
    );
    await page.getByRole('button', { name: /allow/i }).click();
    await page.waitForURL((url) => url.href.startsWith(`${app.origin}/web/callback`));
    const tokens = await client.authorizationCodeGrant(config, new URL(page.url()), { pkceCodeVerifier: verifier, expectedState: 'a1' });
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);

    await page.goto(`${server.issuer}/account`);
    const text = await page.locator('main').innerText();
    assert.match(text, /To-do web app/);
    assert.match(text, /Calendar API: Read your calendar/);
    await captureBothWidths(page, 'account');
    assert.deepEqual(await seriousViolations(page), [], 'account page accessibility');
    await page.getByRole('button', { name: /remove access for to-do web app/i }).click();
    await page.getByRole('status').waitFor();
    assert.match(await page.locator('main').innerText(), /No app has access/);

    await assert.rejects(client.refreshTokenGrant(config, refreshed.refresh_token!), (err: Error & { error?: string }) => err.error === 'invalid_grant');
    await context.close();
  });

  test('without a session, the revoke form revokes nothing and sends the person to sign in (the CSRF refusals are in the audit test)', async () => {
    const res = await fetch(`${server.issuer}/account/revoke`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'client_id=todo-web' });
    assert.equal(res.status, 303, 'no session: sent to sign in, nothing revoked');
    assert.match(String(res.headers.get('location')), /\/authorize\?client_id=lk_account/);
  });
});
