import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, CALENDAR, type TestServer } from '../packages/lanekeeper/test/helpers/server.js';
import { browserConfig } from '../packages/lanekeeper/test/helpers/users.js';
import { launchChromium } from './helpers/browser.js';
import { startAppServer, type AppServer } from './helpers/app-server.js';

/** What a page's fetch() to Lanekeeper gets: the status, or 'blocked' when CORS stops it. */
async function fetchFrom(page: Page, url: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<number | 'blocked'> {
  return page.evaluate(
    async ({ url, init }) => {
      try {
        return (await fetch(url, init)).status;
      } catch {
        return 'blocked' as const;
      }
    },
    { url, init },
  );
}

describe('CORS in a real browser', () => {
  let spa: AppServer;
  let stranger: AppServer;
  let server: TestServer;
  let browser: Browser;
  before(async () => {
    spa = await startAppServer();
    stranger = await startAppServer();
    const config = browserConfig();
    for (const c of config.clients as Record<string, unknown>[]) if (c.client_id === 'todo-spa') c.redirect_uris = [`${spa.origin}/callback`];
    server = await startTestServer('sqlite', config);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    await spa?.close();
    await stranger?.close();
  });

  test("a registered SPA's origin can call the token endpoint and the JWKS; an unregistered origin cannot", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const tokenRequest = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', dpop: 'x' }, body: `grant_type=refresh_token&client_id=todo-spa&refresh_token=lk_rt_unknown&resource=${encodeURIComponent(CALENDAR)}` };

    await page.goto(`${spa.origin}/app`);
    assert.equal(await fetchFrom(page, `${server.issuer}/jwks`), 200);
    assert.equal(await fetchFrom(page, `${server.issuer}/.well-known/openid-configuration`), 200);
    assert.equal(await fetchFrom(page, `${server.issuer}/token`, tokenRequest), 400, 'the token endpoint answered the SPA (400: its proof and token are made up), after a preflight for the DPoP header');

    await page.goto(`${stranger.origin}/app`);
    assert.equal(await fetchFrom(page, `${server.issuer}/jwks`), 'blocked');
    assert.equal(await fetchFrom(page, `${server.issuer}/token`, tokenRequest), 'blocked');
    await context.close();
  });
});
