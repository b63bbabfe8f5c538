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
  recordNavigations,
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

  test('the whole story: log in, consent, greeting from the ID token, to-do into the calendar, ID token refused with 401, log out', async () => {
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

    // The entry is in the calendar API, as seen with the app's access token.
    const accessToken = await shownToken(page, 'access');
    const listed = await callApi(stack, accessToken);
    assert.equal(listed.status, 200);
    const entries = listed.json.entries as { title: string; owner: string }[];
    assert.ok(entries.some((e) => e.title === title), 'the new entry is in the calendar API');
    assert.ok(entries.every((e) => e.owner === decodeJwt(accessToken).sub), 'a person sees only their own entries');
    assert.equal(decodeJwt(accessToken).sub, decodeJwt(await shownToken(page, 'id')).sub, 'both tokens name the same person');

    await page.getByRole('button', { name: 'Send the access token to the calendar API' }).click();
    await page.locator('#result').waitFor();
    assert.match(await page.locator('#result').innerText(), /200 OK/);

    await page.getByRole('button', { name: 'Send the ID token to the calendar API' }).click();
    await page.locator('#result').waitFor();
    const result = await page.locator('#result').innerText();
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
    assert.equal((await callApi(stack, token)).status, 200, 'the read-only token can read');
    const write = await callApi(stack, token, 'POST', { title: 'Sneaky entry', date: dayFromToday(2) });
    assert.equal(write.status, 403);
    assert.equal(write.json.error, 'insufficient_scope');
    assert.match(write.challenge ?? '', /error="insufficient_scope".*scope="write:calendar"/);
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
    const firstCount = Number((await page.locator('#refresh-count').innerText()).match(/Refreshed (\d+)/)?.[1]);

    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await page.goto(stack.appUrl);
    assert.match(await page.locator('#calendar').innerText(), /→ 200/, 'the calendar read succeeded with the refreshed token');
    await page.goto(`${stack.appUrl}/lanes`);
    assert.notEqual(await shownClaim(page, 'access', 'jti'), firstJti, 'a new access token');
    const count = Number((await page.locator('#refresh-count').innerText()).match(/Refreshed (\d+)/)?.[1]);
    assert.ok(count > firstCount, `refreshed (${firstCount} → ${count})`);
    assert.equal((await callApi(stack, await shownToken(page, 'access'))).status, 200);
    await context.close();
  });
});
