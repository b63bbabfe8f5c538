// The reference scenario in real Chromium: the to-do app (a third-party web app), the
// calendar API (guarded by @lanekeeper/guard) and Lanekeeper, all on 127.0.0.1.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import type { Browser, BrowserContext } from 'playwright-core';
import { startStack, type Stack } from '../examples/todo-calendar/stack.js';
import { captureBothWidths, launchChromium, seriousViolations } from './helpers/browser.js';
import {
  account,
  addTodo,
  callApi,
  dayFromToday,
  machineToken,
  recordNavigations,
  runProbe,
  shownClaim,
  shownToken,
  signInAtLanekeeper,
  signInToTodoApp,
  waitForOrigin,
} from './helpers/todo-calendar.js';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

describe('the to-do app and the calendar API, in Chromium', { timeout: 120_000 }, () => {
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

  test('the whole story: log in, consent, greeting from the ID token, to-do into the calendar, the key-bound access token useless without its key, ID token refused with 401, log out', async () => {
    const alice = account(stack, ALICE);
    const page = await newPage();

    const { consentText } = await signInToTodoApp(page, stack, alice);
    assert.match(consentText, /To-do app/, 'the consent page names the third-party app');
    assert.match(consentText, /See the entries in your calendar/);
    assert.match(consentText, /Add entries to your calendar/);

    // The greeting comes from the validated ID token: name and picture.
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Hello, Alice Example');
    const avatar = page.locator('img.avatar');
    assert.equal(await avatar.getAttribute('src'), `${stack.appUrl}/avatars/alice.svg`);
    assert.ok(await avatar.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), 'the picture loads');
    const calendar = page.getByRole('list', { name: 'Calendar entries' });
    assert.match(await calendar.innerText(), /Dentist appointment/, 'the calendar shows Alice\'s seeded entries');
    assert.doesNotMatch(await calendar.innerText(), /Book club/, 'and not Bob\'s');

    const title = 'Pick up the birthday cake';
    await addTodo(page, title, dayFromToday(4));
    await page.getByRole('button', { name: `Add “${title}” to calendar` }).click();
    await page.getByRole('status').filter({ hasText: 'Added to your calendar' }).waitFor();
    assert.match(await page.getByRole('list', { name: 'To-dos' }).innerText(), /In your calendar/);
    assert.match(await page.getByRole('list', { name: 'Calendar entries' }).innerText(), new RegExp(title));
    await captureBothWidths(page, 'todo-calendar-home');
    assert.deepEqual(await seriousViolations(page), [], 'main page accessibility');

    await page.getByRole('link', { name: 'Token lanes' }).click();
    await page.getByRole('heading', { name: 'Two tokens, two lanes' }).waitFor();
    assert.equal(await shownClaim(page, 'id', 'aud'), 'todo-app', 'the ID token is for the app');
    assert.equal(await shownClaim(page, 'access', 'aud'), `["${stack.apiUrl}", "${stack.issuer}/userinfo"]`);
    assert.match(await page.locator('#id-token li[data-claim="aud"] .note').innerText(), /the to-do app itself/);
    assert.match(await page.locator('#access-token li[data-claim="scope"] .note').innerText(), /What the calendar API may let the app do/);

    // The access token is DPoP-bound to this session's key, and the page says so in words.
    const accessToken = await shownToken(page, 'access');
    const jkt = (decodeJwt(accessToken).cnf as { jkt?: string } | undefined)?.jkt ?? '';
    assert.match(jkt, /^[\w-]{43}$/, 'the access token carries cnf.jkt (a SHA-256 JWK thumbprint)');
    assert.equal(await shownClaim(page, 'access', 'cnf'), `{"jkt":"${jkt}"}`);
    assert.match(await page.locator('#access-token li[data-claim="cnf"] .note').innerText(), /a key only this app holds/);
    const binding = await page.locator('#key-binding').innerText();
    assert.match(binding, /This token is bound to a key only this app holds: a copy is useless without the key\./);
    assert.equal(await page.locator('#cnf-jkt').innerText(), jkt);
    assert.match(binding, /the same key/, 'the session\'s key is the one the token names');
    assert.equal(decodeJwt(await shownToken(page, 'id')).cnf, undefined, 'the ID token is bound to nothing');

    // The entry is in the calendar API, as the sync job (an independent client) reads it.
    const listed = await callApi(stack, await machineToken(stack));
    assert.equal(listed.status, 200);
    const entries = listed.json.entries as { title: string; owner: string }[];
    assert.ok(entries.some((e) => e.title === title && e.owner === decodeJwt(accessToken).sub), 'the new entry is in the calendar API, in Alice\'s name');
    assert.equal(decodeJwt(accessToken).sub, decodeJwt(await shownToken(page, 'id')).sub, 'both tokens name the same person');

    // A copy of the bound token is useless on its own.
    const copied = await callApi(stack, accessToken);
    assert.equal(copied.status, 401, 'the copied token alone is refused');
    assert.match(copied.challenge ?? '', /^DPoP .*error="invalid_token".*DPoP-bound/);

    const accepted = await runProbe(page, 'Send the access token to the calendar API');
    assert.match(accepted, /200 OK/);
    assert.match(await page.locator('#probe-request').innerText(), /Authorization: DPoP <the access token>\nDPoP: <a fresh proof/);
    assert.match(accepted, /the proof was signed just now with the key the token is bound to/);

    const replayed = await runProbe(page, 'Replay the access token without the key');
    assert.match(replayed, /401 Unauthorized/);
    assert.match(await page.locator('#probe-request').innerText(), /Authorization: Bearer <the access token>\n\(no DPoP header/);
    assert.match(
      await page.locator('#www-authenticate').innerText(),
      /^DPoP .*error="invalid_token", error_description="this access token is DPoP-bound \(cnf\.jkt\); send it with the DPoP scheme/,
    );
    assert.match(replayed, /"error": "invalid_token"/, 'the API\'s JSON body is shown');
    assert.match(replayed, /refused the access token because it came without its key/, 'the page explains the refusal in words');
    assert.match(replayed, /the copy is useless/);
    await captureBothWidths(page, 'todo-calendar-lanes-replay');
    assert.deepEqual(await seriousViolations(page), [], 'token-lanes page accessibility, after the replay');

    const result = await runProbe(page, 'Send the ID token to the calendar API');
    assert.match(result, /401 Unauthorized/);
    assert.match(result, /this is an ID token/);
    assert.match(result, /An ID token tells this app who you are/, 'the page explains the refusal in words');
    assert.match(await page.locator('#www-authenticate').innerText(), /^Bearer .*error="invalid_token".*send the access token instead/);
    await captureBothWidths(page, 'todo-calendar-lanes');
    assert.deepEqual(await seriousViolations(page), [], 'token-lanes page accessibility');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await waitForOrigin(page, stack.issuer);
    await page.getByRole('button', { name: /sign out/i }).click();
    await page.waitForURL((url) => url.href.startsWith(`${stack.appUrl}/signed-out`), { timeout: 15_000 });
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'You are signed out');
    assert.match(await page.locator('main').innerText(), /Lanekeeper ended your session/);
    await page.goto(`${stack.appUrl}/lanes`);
    await page.getByRole('link', { name: 'Sign in with Lanekeeper' }).waitFor();
    await page.getByRole('link', { name: 'Sign in with Lanekeeper' }).click();
    await waitForOrigin(page, stack.issuer);
    await page.getByLabel('Password').waitFor();
  });

  test('a read-only user can list entries but not add: the API answers 403 insufficient_scope and the app says so plainly', async () => {
    const bob = account(stack, BOB);
    const page = await newPage();
    const { consentText } = await signInToTodoApp(page, stack, bob);
    assert.match(consentText, /See the entries in your calendar/);
    assert.doesNotMatch(consentText, /Add entries to your calendar/, 'write:calendar is beyond Bob\'s permissions, so it is not offered');

    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Hello, Bob Reader');
    assert.match(await page.getByRole('list', { name: 'Calendar entries' }).innerText(), /Book club/, 'Bob can list his calendar');
    const scopes = (await page.getByLabel('Scopes in the access token').innerText()).split(/\s+/);
    assert.ok(scopes.includes('read:calendar') && !scopes.includes('write:calendar'), `the token's scopes: ${scopes.join(' ')}`);

    const title = 'Return the library books';
    await addTodo(page, title, dayFromToday(1));
    await page.getByRole('button', { name: `Add “${title}” to calendar` }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const said = await alert.innerText();
    assert.match(said, new RegExp(`The calendar API refused to add “${title}”`));
    assert.match(said, /403 Forbidden · insufficient_scope/);
    assert.match(said, /Your account may only read the calendar/);
    assert.match(said, /scope="write:calendar"/);
    assert.doesNotMatch(await page.getByRole('list', { name: 'To-dos' }).innerText(), /In your calendar/);
    await captureBothWidths(page, 'todo-calendar-home-read-only');

    await page.goto(`${stack.appUrl}/lanes`);
    const token = await shownToken(page, 'access');
    const granted = String(decodeJwt(token).scope).split(' ');
    assert.ok(granted.includes('read:calendar') && !granted.includes('write:calendar'), `the token itself carries no write:calendar: ${granted.join(' ')}`);
    assert.match(await runProbe(page, 'Send the access token to the calendar API'), /200 OK/, 'the read-only token can read');
    assert.match(await runProbe(page, 'Replay the access token without the key'), /401 Unauthorized/, 'Bob\'s token is bound too');
  });

  test('the first-party team portal signs in with no consent screen', async () => {
    const page = await newPage();
    const visited = recordNavigations(page);
    await page.goto(stack.portalUrl);
    await page.getByRole('link', { name: 'Sign in to the portal' }).click();
    await waitForOrigin(page, stack.issuer);
    await signInAtLanekeeper(page, account(stack, ALICE));
    await page.waitForURL(stack.portalUrl, { timeout: 15_000 });
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Hello, Alice Example');
    assert.match(await page.locator('main').innerText(), /did not ask for your consent/);
    assert.ok(visited.some((u) => u.startsWith(`${stack.issuer}/login`)), 'Lanekeeper asked for the password');
    assert.deepEqual(visited.filter((u) => u.includes('/consent')), [], 'but showed no consent page');
  });
});

describe('the to-do app refreshes the access token before it expires', { timeout: 90_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  before(async () => {
    // Tokens live 10 s and are refreshed when 8 s or less remain: stale 2 s after issue.
    stack = await startStack({ accessTokenTtl: 10, refreshMargin: 8 });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  test('a stale access token is replaced with the refresh token, and the new one works at the API', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInToTodoApp(page, stack, account(stack, ALICE));
    await page.goto(`${stack.appUrl}/lanes`);
    const firstJti = await shownClaim(page, 'access', 'jti');
    const firstCnf = await shownClaim(page, 'access', 'cnf');
    assert.match(firstCnf, /"jkt"/);
    const firstCount = Number((await page.locator('#refresh-count').innerText()).match(/Refreshed (\d+)/)?.[1]);

    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await page.goto(stack.appUrl);
    assert.match(await page.locator('#calendar').innerText(), /→ 200/, 'the calendar read succeeded with the refreshed token');
    await page.goto(`${stack.appUrl}/lanes`);
    assert.notEqual(await shownClaim(page, 'access', 'jti'), firstJti, 'a new access token');
    const count = Number((await page.locator('#refresh-count').innerText()).match(/Refreshed (\d+)/)?.[1]);
    assert.ok(count > firstCount, `refreshed (${firstCount} → ${count})`);
    assert.equal(await shownClaim(page, 'access', 'cnf'), firstCnf, 'the refreshed token is bound to the same session key');
    assert.match(await runProbe(page, 'Send the access token to the calendar API'), /200 OK/);
    await context.close();
  });
});

describe('with DPoP off (TODO_DPOP=0), the to-do app gets plain bearer tokens', { timeout: 90_000 }, () => {
  let stack: Stack;
  let browser: Browser;
  before(async () => {
    stack = await startStack({ dpop: false });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  test('the access token has no cnf, works as a Bearer token anywhere, and the page offers no replay', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInToTodoApp(page, stack, account(stack, ALICE));
    assert.match(await page.locator('#calendar').innerText(), /with the access token → 200/);
    await page.goto(`${stack.appUrl}/lanes`);
    const token = await shownToken(page, 'access');
    assert.equal(decodeJwt(token).cnf, undefined);
    assert.match(await page.locator('#access-token li[data-claim="cnf"]').innerText(), /not present[\s\S]*bearer token/);
    assert.match(await page.locator('#key-binding').innerText(), /Not bound to any key[\s\S]*TODO_DPOP=0/);
    assert.equal(await page.getByRole('button', { name: 'Replay the access token without the key' }).count(), 0);
    assert.equal((await callApi(stack, token)).status, 200, 'a copy of a bearer token works for anyone');
    assert.match(await runProbe(page, 'Send the access token to the calendar API'), /200 OK/);
    assert.equal(await page.locator('#probe-request').innerText(), `GET ${stack.apiUrl}/entries\nAuthorization: Bearer <the access token>`);
    await context.close();
  });
});
