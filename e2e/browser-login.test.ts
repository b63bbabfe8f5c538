import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import * as oauth from 'oauth4webapi';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, CALENDAR, type TestServer } from '../packages/lanekeeper/test/helpers/server.js';
import { ALICE, WEB_SECRET, browserConfig } from '../packages/lanekeeper/test/helpers/users.js';
import { launchChromium, captureBothWidths, seriousViolations } from './helpers/browser.js';
import { startAppServer, type AppServer } from './helpers/app-server.js';

const insecure = { execute: [client.allowInsecureRequests] };

/** The test's client apps all live on one local app server: /web, /spa and /portal callbacks. */
function configFor(app: AppServer): Record<string, unknown> {
  const config = browserConfig();
  for (const c of config.clients as Record<string, unknown>[]) {
    if (c.client_id === 'todo-web') {
      c.redirect_uris = [`${app.origin}/web/callback`];
      c.post_logout_redirect_uris = [`${app.origin}/web/bye`];
    }
    if (c.client_id === 'todo-spa') c.redirect_uris = [`${app.origin}/spa/callback`];
    if (c.client_id === 'portal') c.redirect_uris = [`${app.origin}/portal/callback`];
  }
  return config;
}

async function waitForApp(page: Page, app: AppServer, path: string): Promise<URL> {
  await page.waitForURL((url) => url.href.startsWith(`${app.origin}${path}`), { timeout: 15_000 });
  return new URL(page.url());
}

/** axe-core at desktop and phone widths: the serious or critical violations found at either. */
async function seriousViolationsAtBothWidths(page: Page): Promise<string[]> {
  const found: string[] = [];
  for (const [label, size] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 375, height: 740 }]] as const) {
    await page.setViewportSize(size);
    for (const v of await seriousViolations(page)) found.push(`${label}: ${v.impact} ${v.id} (${v.help})`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  return found;
}

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: /sign in/i }).click();
}

describe('signing in with a real browser (Chromium) and openid-client as the app', () => {
  let server: TestServer;
  let app: AppServer;
  let browser: Browser;
  before(async () => {
    app = await startAppServer();
    server = await startTestServer('sqlite', configFor(app));
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    await app?.close();
  });

  test('a third-party web app: login, consent, tokens in their lanes, userinfo, refresh, SSO into a second app, logout', async () => {
    const config = await client.discovery(new URL(server.issuer), 'todo-web', WEB_SECRET, undefined, insecure);
    client.enableNonRepudiationChecks(config);
    const verifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: `${app.origin}/web/callback`,
      scope: 'openid profile email offline_access read:calendar write:calendar',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
      state,
      resource: CALENDAR,
    });

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url.href);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Sign in');
    await captureBothWidths(page, 'login');
    assert.deepEqual(await seriousViolationsAtBothWidths(page), [], 'login page accessibility');
    await signIn(page, ALICE.email, ALICE.password);

    await page.getByRole('button', { name: /allow/i }).waitFor();
    const consentText = await page.locator('main').innerText();
    assert.match(consentText, /To-do web app/);
    assert.match(consentText, /Read your calendar/);
    assert.match(consentText, /Add calendar entries/);
    await captureBothWidths(page, 'consent');
    assert.deepEqual(await seriousViolationsAtBothWidths(page), [], 'consent page accessibility');
    await page.getByRole('button', { name: /allow/i }).click();

    const callback = await waitForApp(page, app, '/web/callback');
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
    const claims = tokens.claims()!;
    assert.equal(claims.aud, 'todo-web', 'the ID token is for the app alone');
    assert.equal(claims.email, ALICE.email);
    const access = decodeJwt(tokens.access_token);
    assert.equal(access.sub, claims.sub);
    assert.deepEqual(access.aud, [CALENDAR, `${server.issuer}/userinfo`]);
    assert.deepEqual(String(access.scope).split(' ').filter((s) => s.includes(':')).sort(), ['read:calendar', 'write:calendar']);

    const as = await oauth.processDiscoveryResponse(new URL(server.issuer), await oauth.discoveryRequest(new URL(server.issuer), { [oauth.allowInsecureRequests]: true }));
    const validated = await oauth.validateJwtAccessToken(as, new Request(`${CALENDAR}/entries`, { headers: { authorization: `Bearer ${tokens.access_token}` } }), CALENDAR, { [oauth.allowInsecureRequests]: true });
    assert.equal(validated.sub, claims.sub);

    const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(info.name, 'Alice Example');

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    assert.ok(refreshed.access_token && refreshed.refresh_token && refreshed.refresh_token !== tokens.refresh_token);

    // SSO: the first-party portal signs Alice in with no password and no consent.
    const portal = await client.discovery(new URL(server.issuer), 'portal', 'portal-secret-0123456789', undefined, insecure);
    const portalVerifier = client.randomPKCECodeVerifier();
    await page.goto(
      client.buildAuthorizationUrl(portal, { redirect_uri: `${app.origin}/portal/callback`, scope: 'openid profile', code_challenge: await client.calculatePKCECodeChallenge(portalVerifier), code_challenge_method: 'S256', state: 's2' }).href,
    );
    const portalCallback = await waitForApp(page, app, '/portal/callback');
    const portalTokens = await client.authorizationCodeGrant(portal, portalCallback, { pkceCodeVerifier: portalVerifier, expectedState: 's2' });
    assert.equal(portalTokens.claims()!.sub, claims.sub);
    assert.equal(portalTokens.claims()!.sid, claims.sid, 'the same browser session');

    // Logout ends the session for every app.
    await page.goto(client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: `${app.origin}/web/bye`, state: 'bye' }).href);
    await page.getByRole('button', { name: /sign out/i }).click();
    const bye = await waitForApp(page, app, '/web/bye');
    assert.equal(bye.searchParams.get('state'), 'bye');
    await page.goto(
      client.buildAuthorizationUrl(portal, { redirect_uri: `${app.origin}/portal/callback`, scope: 'openid', code_challenge: await client.calculatePKCECodeChallenge(portalVerifier), code_challenge_method: 'S256', prompt: 'none' }).href,
    );
    const afterLogout = await waitForApp(page, app, '/portal/callback');
    assert.equal(afterLogout.searchParams.get('error'), 'login_required');
    await context.close();
  });

  test('a public SPA client: login and consent with PKCE and no secret', async () => {
    const config = await client.discovery(new URL(server.issuer), 'todo-spa', undefined, client.None(), insecure);
    client.enableNonRepudiationChecks(config);
    const verifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(
      client.buildAuthorizationUrl(config, { redirect_uri: `${app.origin}/spa/callback`, scope: 'openid read:calendar', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', nonce, resource: CALENDAR }).href,
    );
    await signIn(page, ALICE.email, ALICE.password);
    await page.getByRole('button', { name: /allow/i }).click();
    const callback = await waitForApp(page, app, '/spa/callback');
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce });
    assert.equal(tokens.claims()!.aud, 'todo-spa');
    assert.equal(decodeProtectedHeader(tokens.id_token!).alg, 'ES256');
    assert.equal(decodeJwt(tokens.access_token).client_id, 'todo-spa');
    await context.close();
  });
});
