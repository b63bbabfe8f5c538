// Back-channel logout in the reference scenario: when a Lanekeeper browser session ends,
// Lanekeeper POSTs a logout token to every app that got tokens in it, and the to-do app
// signs that session out. Real Chromium for the sessions, plain HTTP for forged tokens.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeJwt, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startStack, type Stack } from '../examples/todo-calendar/stack.js';
import { BACKCHANNEL_LOGOUT_EVENT } from '../examples/todo-calendar/todo-app/logout-token.js';
import { captureBothWidths, launchChromium, seriousViolations } from './helpers/browser.js';
import {
  account,
  postLogoutToken,
  recordNavigations,
  shownClaim,
  shownToken,
  signInToTodoAppConsentingIfAsked,
  waitForOrigin,
  waitUntilAppSignedOut,
} from './helpers/todo-calendar.js';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const LANEKEEPER_CLI = fileURLToPath(new URL('../packages/lanekeeper/bin/lanekeeper.js', import.meta.url));

describe('back-channel logout: Lanekeeper tells the to-do app when a session ends', { timeout: 120_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const newPage = async () => {
    const context = await browser.newContext();
    contexts.push(context);
    return context.newPage();
  };

  before(async () => {
    stack = await startStack();
    browser = await launchChromium();
  });
  after(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await stack?.close();
  });

  /** The signed-in to-do app's view of its ID token: the Lanekeeper session (sid) and the person (sub). */
  async function sessionOf(page: Page): Promise<{ sid: string; sub: string; idToken: string }> {
    await page.goto(`${stack.appUrl}/lanes`);
    const idToken = await shownToken(page, 'id');
    const { sid, sub } = decodeJwt(idToken);
    assert.ok(typeof sid === 'string' && sid, 'the ID token carries sid');
    assert.equal(await shownClaim(page, 'id', 'sid'), sid);
    return { sid, sub: String(sub), idToken };
  }

  async function stillSignedIn(page: Page): Promise<boolean> {
    await page.goto(stack.appUrl);
    return (await page.getByRole('heading', { level: 1 }).textContent()) === 'Hello, Alice Example';
  }

  test('signing out everywhere from the team portal ends the to-do app\'s session too, over the back channel, and only that session', async () => {
    const alice = account(stack, ALICE);
    const page = await newPage();
    await signInToTodoAppConsentingIfAsked(page, stack, alice);
    const { sid } = await sessionOf(page);

    // Alice in another browser: another Lanekeeper session, which must survive.
    const elsewhere = await newPage();
    await signInToTodoAppConsentingIfAsked(elsewhere, stack, alice);
    assert.notEqual((await sessionOf(elsewhere)).sid, sid, 'two browsers, two Lanekeeper sessions');

    // The portal signs in by single sign-on, then signs out everywhere (RP-initiated logout).
    await page.goto(stack.portalUrl);
    await page.getByRole('link', { name: 'Sign in to the portal' }).click();
    await page.waitForURL(stack.portalUrl, { timeout: 15_000 });
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Hello, Alice Example');
    await captureBothWidths(page, 'todo-calendar-portal');
    assert.deepEqual(await seriousViolations(page), [], 'portal page accessibility');
    const visited = recordNavigations(page);
    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await waitForOrigin(page, stack.issuer);
    await page.getByRole('button', { name: /sign out/i }).click();
    await page.waitForURL(stack.portalUrl, { timeout: 15_000 });
    assert.match(await page.getByRole('status').innerText(), /Signed out everywhere/);
    assert.deepEqual(
      visited.filter((u) => u.startsWith(stack.appUrl) && !u.startsWith(stack.portalUrl)),
      [],
      'the browser never went back to the to-do app: only Lanekeeper could have told it',
    );

    await waitUntilAppSignedOut(page, stack);
    const notice = page.getByRole('alert');
    assert.match(await notice.innerText(), /You were signed out/);
    assert.match(await notice.innerText(), /Lanekeeper told this app over the back channel/);
    await captureBothWidths(page, 'todo-calendar-signed-out-by-backchannel');
    assert.deepEqual(await seriousViolations(page), [], 'signed-out page accessibility');

    assert.ok(await stillSignedIn(elsewhere), 'Alice\'s other session (another sid) is still signed in');
    assert.deepEqual(await stack.lanekeeper.store.backchannel.pending(), [], 'every notification was delivered and answered 200 (the to-do app\'s and the portal\'s)');
  });

  test('confirming Lanekeeper\'s own sign-out page ends the to-do app\'s session', async () => {
    const page = await newPage();
    await signInToTodoAppConsentingIfAsked(page, stack, account(stack, ALICE));
    await page.goto(`${stack.issuer}/logout`);
    await page.getByRole('button', { name: /sign out/i }).click();
    await page.waitForLoadState();
    await waitUntilAppSignedOut(page, stack);
    assert.match(await page.getByRole('alert').innerText(), /You were signed out/);
  });

  test('forged or wrong logout tokens get 400 with the reason, and end no session; a valid one ends it, once', async () => {
    const page = await newPage();
    await signInToTodoAppConsentingIfAsked(page, stack, account(stack, ALICE));
    const { sid, sub, idToken } = await sessionOf(page);
    const endpoint = `${stack.appUrl}/backchannel-logout`;

    // Signed with Lanekeeper's real key, so each check is refused for its own reason, not for the signature.
    const signer = stack.lanekeeper.keys.signer('RS256');
    const now = Math.floor(Date.now() / 1000);
    const valid = (): JWTPayload => ({
      iss: stack.issuer,
      aud: 'todo-app',
      iat: now,
      exp: now + 120,
      jti: randomBytes(12).toString('base64url'),
      sub,
      sid,
      events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    });
    const sign = (claims: JWTPayload, typ = 'logout+jwt', key: CryptoKey = signer.key) =>
      new SignJWT(claims).setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ }).sign(key);
    const without = (name: string): JWTPayload => {
      const claims = valid();
      delete claims[name];
      return claims;
    };
    const foreignKey = (await generateKeyPair('RS256')).privateKey;

    const cases: [string, string | undefined, RegExp][] = [
      ['no logout_token at all', undefined, /form field logout_token/],
      ['the app\'s own ID token', idToken, /typ is not logout\+jwt/],
      ['typ JWT', await sign(valid(), 'JWT'), /typ is not logout\+jwt/],
      ['aud of another client', await sign({ ...valid(), aud: 'team-portal' }), /not addressed to this app/],
      ['another issuer', await sign({ ...valid(), iss: 'https://evil.example' }), /not issued by this app's issuer/],
      ['a nonce', await sign({ ...valid(), nonce: 'n-0S6_WzA2Mj' }), /carries a nonce/],
      ['no events', await sign(without('events')), /events claim is missing/],
      ['another event', await sign({ ...valid(), events: { 'http://schemas.openid.net/event/other': {} } }), /back-channel logout event/],
      ['neither sid nor sub', await sign({ ...without('sid'), sub: undefined }), /neither a session \(sid\) nor a person \(sub\)/],
      ['expired', await sign({ ...valid(), iat: now - 200, exp: now - 60 }), /expired/],
      ['issued an hour ago', await sign({ ...valid(), iat: now - 3600, exp: now + 60 }), /too old/],
      ['no jti', await sign(without('jti')), /jti claim is missing/],
      ['signed with a key that is not Lanekeeper\'s', await sign(valid(), 'logout+jwt', foreignKey), /signature does not verify/],
      ['not a JWT', 'lk_rt_not-a-logout-token', /not a well-formed signed JWT/],
    ];
    for (const [what, token, reason] of cases) {
      const answer = await postLogoutToken(endpoint, token);
      assert.equal(answer.status, 400, what);
      assert.equal(answer.cacheControl, 'no-store', what);
      assert.equal(answer.json?.error, 'invalid_request', what);
      assert.match(String(answer.json?.error_description), reason, what);
    }
    assert.ok(await stillSignedIn(page), 'none of them ended the session');

    const token = await sign(valid());
    const accepted = await postLogoutToken(endpoint, token);
    assert.equal(accepted.status, 200);
    assert.equal(accepted.cacheControl, 'no-store');
    assert.equal(await stillSignedIn(page), false, 'a valid logout token for its sid ends the session');
    const replayed = await postLogoutToken(endpoint, token);
    assert.equal(replayed.status, 400);
    assert.match(String(replayed.json?.error_description), /already used/);
  });

  test('a logout token that names only sub ends every session of that person, and a token for the portal ends none of the to-do app\'s', async () => {
    const first = await newPage();
    const second = await newPage();
    await signInToTodoAppConsentingIfAsked(first, stack, account(stack, ALICE));
    await signInToTodoAppConsentingIfAsked(second, stack, account(stack, ALICE));
    const { sub } = await sessionOf(first);
    const signer = stack.lanekeeper.keys.signer('RS256');
    const now = Math.floor(Date.now() / 1000);
    const logoutToken = (aud: string) =>
      new SignJWT({ iss: stack.issuer, aud, iat: now, exp: now + 120, jti: randomBytes(12).toString('base64url'), sub, events: { [BACKCHANNEL_LOGOUT_EVENT]: {} } })
        .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'logout+jwt' })
        .sign(signer.key);

    assert.equal((await postLogoutToken(`${stack.appUrl}/portal/backchannel-logout`, await logoutToken('team-portal'))).status, 200, 'the portal accepts its own');
    assert.ok((await stillSignedIn(first)) && (await stillSignedIn(second)), 'the portal\'s logout token ends no to-do app session');

    assert.equal((await postLogoutToken(`${stack.appUrl}/backchannel-logout`, await logoutToken('todo-app'))).status, 200);
    assert.equal(await stillSignedIn(first), false);
    assert.equal(await stillSignedIn(second), false);
  });

  test('disabling a person with the lanekeeper CLI signs them out of the to-do app over the back channel', async () => {
    const page = await newPage();
    await signInToTodoAppConsentingIfAsked(page, stack, account(stack, BOB));
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Hello, Bob Reader');

    // The CLI works on the same database as the running server, as an administrator would.
    const run = spawnSync(process.execPath, [LANEKEEPER_CLI, '--config', stack.configFile, 'user', 'disable', BOB], {
      env: {
        ...process.env,
        LANEKEEPER_SECRET: readFileSync(join(stack.dataDir, 'secret'), 'utf8').trim(),
        LANEKEEPER_DATABASE_URL: `sqlite:${join(stack.dataDir, 'lanekeeper.db')}`,
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /disabled bob@example\.com/);

    await waitUntilAppSignedOut(page, stack);
    assert.match(await page.getByRole('alert').innerText(), /You were signed out/);
  });
});
