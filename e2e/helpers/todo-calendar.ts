/** Browser steps shared by the to-do + calendar scenario tests. */
import type { Page } from 'playwright-core';
import type { DemoAccount } from '../../examples/todo-calendar/config.js';
import type { Stack } from '../../examples/todo-calendar/stack.js';

export function account(stack: Stack, email: string): DemoAccount {
  const found = stack.accounts.find((a) => a.email === email);
  if (!found) throw new Error(`no demo account ${email}`);
  return found;
}

/** Fills in Lanekeeper's login page. */
export async function signInAtLanekeeper(page: Page, who: DemoAccount): Promise<void> {
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: /sign in/i }).click();
}

export async function waitForOrigin(page: Page, prefix: string): Promise<URL> {
  await page.waitForURL((url) => url.href.startsWith(prefix), { timeout: 15_000 });
  return new URL(page.url());
}

/**
 * Every URL the page's main frame navigated to, so a test can say which pages were (not)
 * shown, e.g. that no consent page came up.
 */
export function recordNavigations(page: Page): string[] {
  const visited: string[] = [];
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) visited.push(frame.url());
  });
  return visited;
}

/** From the app's landing page: sign in, allow on the consent page, and arrive back at the app. */
export async function signInToTodoApp(page: Page, stack: Stack, who: DemoAccount): Promise<{ consentText: string }> {
  await page.goto(stack.appUrl);
  await page.getByRole('link', { name: 'Sign in with Lanekeeper' }).click();
  await waitForOrigin(page, stack.issuer);
  await signInAtLanekeeper(page, who);
  try {
    await page.getByRole('button', { name: /allow/i }).waitFor({ timeout: 15_000 });
  } catch (error) {
    const shown = (await page.locator('body').innerText().catch(() => '')).replace(/\s+/g, ' ').slice(0, 600);
    throw new Error(`no consent page after signing in as ${who.email}; the browser is at ${page.url()} showing: ${shown}`, { cause: error });
  }
  const consentText = await page.locator('main').innerText();
  await page.getByRole('button', { name: /allow/i }).click();
  await page.waitForURL(`${stack.appUrl}/`, { timeout: 15_000 });
  return { consentText };
}

/**
 * From the app's landing page: sign in, and allow on the consent page if Lanekeeper shows
 * one (it remembers a person's consent, so a second sign-in skips it). Returns whether it asked.
 */
export async function signInToTodoAppConsentingIfAsked(page: Page, stack: Stack, who: DemoAccount): Promise<{ asked: boolean }> {
  await page.goto(stack.appUrl);
  await page.getByRole('link', { name: 'Sign in with Lanekeeper' }).click();
  await waitForOrigin(page, stack.issuer);
  await signInAtLanekeeper(page, who);
  const allow = page.getByRole('button', { name: /allow/i });
  await Promise.race([allow.waitFor({ timeout: 15_000 }), page.waitForURL(`${stack.appUrl}/`, { timeout: 15_000 })]);
  const asked = page.url().startsWith(stack.issuer);
  if (asked) await allow.click();
  await page.waitForURL(`${stack.appUrl}/`, { timeout: 15_000 });
  return { asked };
}

/** The encoded token shown on the token-lanes page (the page must be open). */
export async function shownToken(page: Page, which: 'id' | 'access'): Promise<string> {
  const text = await page.locator(which === 'id' ? '#raw-id-token' : '#raw-access-token').textContent();
  if (!text) throw new Error(`the token-lanes page shows no ${which} token`);
  return text.trim();
}

/** The displayed value of one claim on the token-lanes page. */
export async function shownClaim(page: Page, which: 'id' | 'access', claim: string): Promise<string> {
  const card = which === 'id' ? '#id-token' : '#access-token';
  return ((await page.locator(`${card} li[data-claim="${claim}"] .value`).first().textContent()) ?? '').trim();
}

export async function addTodo(page: Page, title: string, day: string): Promise<void> {
  await page.getByLabel('To-do', { exact: true }).fill(title);
  await page.getByLabel('Day').fill(day);
  await page.getByRole('button', { name: 'Add to-do' }).click();
  await page.getByRole('list', { name: 'To-dos' }).getByText(title).waitFor();
}

/**
 * Calls the calendar API directly with a plain Bearer token, as anyone holding a copy of
 * the token would. (A DPoP-bound token sent this way is refused: the test has no key.)
 */
export async function callApi(stack: Stack, token: string, method: 'GET' | 'POST' = 'GET', body?: unknown): Promise<{ status: number; challenge: string | null; json: Record<string, unknown> }> {
  const response = await fetch(`${stack.apiUrl}/entries`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, challenge: response.headers.get('www-authenticate'), json: (await response.json()) as Record<string, unknown> };
}

/** YYYY-MM-DD, `days` from today (UTC). */
export function dayFromToday(days: number): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days)).toISOString().slice(0, 10);
}

/** A client-credentials token of the sync job (read:calendar): an independent look at the calendar API's data. */
export async function machineToken(stack: Stack): Promise<string> {
  const metadata = (await (await fetch(`${stack.issuer}/.well-known/openid-configuration`)).json()) as { token_endpoint: string };
  const response = await fetch(metadata.token_endpoint, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${stack.syncClient.id}:${stack.syncClient.secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read:calendar' }),
  });
  if (response.status !== 200) throw new Error(`client credentials: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** Presses one of the token-lanes page's experiment buttons and returns the answer box's text. */
export async function runProbe(page: Page, button: string): Promise<string> {
  await page.getByRole('button', { name: button }).click();
  await page.waitForURL((url) => url.pathname === '/lanes', { timeout: 15_000 });
  await page.locator('#result').waitFor();
  return page.locator('#result').innerText();
}

/**
 * Reloads the to-do app until it shows the signed-out landing page: Lanekeeper delivers
 * back-channel logout tokens from a queue, so the sign-out lands within a second or two.
 */
export async function waitUntilAppSignedOut(page: Page, stack: Stack, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.goto(stack.appUrl);
    if ((await page.getByRole('link', { name: 'Sign in with Lanekeeper' }).count()) > 0) return;
    if (Date.now() > deadline) throw new Error(`the to-do app still shows a signed-in page after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** POSTs a logout token to a back-channel logout endpoint, as Lanekeeper does. */
export async function postLogoutToken(endpoint: string, token: string | undefined): Promise<{ status: number; cacheControl: string | null; json: Record<string, unknown> | undefined }> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: token === undefined ? '' : new URLSearchParams({ logout_token: token }).toString(),
  });
  const text = await response.text();
  return { status: response.status, cacheControl: response.headers.get('cache-control'), json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}
