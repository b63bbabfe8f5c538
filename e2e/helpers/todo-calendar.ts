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
  await page.getByRole('button', { name: /allow/i }).waitFor({ timeout: 15_000 });
  const consentText = await page.locator('main').innerText();
  await page.getByRole('button', { name: /allow/i }).click();
  await page.waitForURL(`${stack.appUrl}/`, { timeout: 15_000 });
  return { consentText };
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

/** Calls the calendar API directly, as any client holding the token would. */
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
