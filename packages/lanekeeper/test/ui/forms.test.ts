import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_BRANDING, renderConsentPage, renderLoginPage, renderLogoutPage } from '../../src/ui/index.js';
import { consentProps, friendlyPages, onlyForm, tags } from './fixtures.js';

/** Names of the form's fields, sorted, with repeats (two `decision` buttons count twice). */
function fieldNames(body: string): string[] {
  return [...tags(body, 'input'), ...tags(body, 'button')].flatMap((a) => (a.name === undefined ? [] : [a.name])).sort();
}

function hidden(body: string, name: string): string | undefined {
  return tags(body, 'input').find((a) => a.type === 'hidden' && a.name === name)?.value;
}

describe('ui documents', () => {
  for (const [name, html] of Object.entries(friendlyPages())) {
    test(`${name} page is a complete, script-free, accessible document`, () => {
      assert.ok(html.startsWith('<!doctype html><html lang="en">'));
      assert.ok(!/<script/i.test(html), 'no <script>');
      assert.ok(!/\son[a-z]+=/i.test(html), 'no inline event handler');
      assert.ok(!/\sstyle=/i.test(html), 'no style attribute (the CSP would block it)');
      assert.equal(html.match(/<main\b/g)?.length, 1, 'one <main>');
      assert.equal(html.match(/<h1\b/g)?.length, 1, 'one <h1>');
      const metas = tags(html, 'meta');
      assert.ok(metas.some((m) => m.name === 'viewport' && m.content === 'width=device-width, initial-scale=1'));
      assert.ok(metas.some((m) => m.name === 'referrer' && m.content === 'no-referrer'));
      assert.ok(metas.some((m) => m.name === 'robots' && m.content === 'noindex'));
      assert.ok(metas.some((m) => m.charset === 'utf-8'));
      for (const input of tags(html, 'input').filter((a) => a.type !== 'hidden')) {
        assert.ok(input.id && html.includes(`<label for="${input.id}">`), `input ${input.name} has a <label>`);
      }
    });
  }
});

describe('ui forms', () => {
  test('login form posts email, password, csrf and interaction to the action', () => {
    const form = onlyForm(friendlyPages().login ?? '');
    assert.ok(form);
    assert.deepEqual(form.attrs, { method: 'post', action: '/interaction/login' });
    assert.deepEqual(fieldNames(form.body), ['csrf', 'email', 'interaction', 'password']);
    assert.equal(hidden(form.body, 'csrf'), 'csrf-123');
    assert.equal(hidden(form.body, 'interaction'), 'int-456');
    const inputs = tags(form.body, 'input');
    const email = inputs.find((a) => a.name === 'email');
    const password = inputs.find((a) => a.name === 'password');
    assert.equal(email?.type, 'email');
    assert.equal(email?.autocomplete, 'username');
    assert.ok(email && 'required' in email);
    assert.equal(password?.type, 'password');
    assert.equal(password?.autocomplete, 'current-password');
    assert.ok(password && 'required' in password);
    const buttons = tags(form.body, 'button');
    assert.equal(buttons.length, 1);
    assert.equal(buttons[0]?.type, 'submit');
  });

  test('login prefills the email (login_hint) and then focuses the password', () => {
    const html = renderLoginPage({
      branding: DEFAULT_BRANDING,
      action: '/l',
      csrfToken: 'c',
      interaction: 'i',
      clientName: 'App',
      email: 'ada@example.com',
    });
    const inputs = tags(html, 'input');
    assert.equal(inputs.find((a) => a.name === 'email')?.value, 'ada@example.com');
    assert.ok('autofocus' in (inputs.find((a) => a.name === 'password') ?? {}));
    assert.ok(!('autofocus' in (inputs.find((a) => a.name === 'email') ?? {})));
  });

  test('login shows one generic error in a role="alert" element, and none without an error', () => {
    const pages = friendlyPages();
    const withError = pages['login-error'] ?? '';
    assert.equal(withError.match(/role="alert"/g)?.length, 1);
    assert.match(withError, /<div class="alert" role="alert" id="login-error">The email or password is incorrect\.<\/div>/);
    assert.ok(!(pages.login ?? '').includes('role="alert"'));
  });

  test('consent form posts csrf, interaction and decision=allow|deny from two submit buttons', () => {
    const form = onlyForm(friendlyPages().consent ?? '');
    assert.ok(form);
    assert.deepEqual(form.attrs, { method: 'post', action: '/interaction/consent' });
    assert.deepEqual(fieldNames(form.body), ['csrf', 'decision', 'decision', 'interaction']);
    assert.equal(hidden(form.body, 'csrf'), 'csrf-consent-123');
    assert.equal(hidden(form.body, 'interaction'), 'int-consent-456');
    const decisions = tags(form.body, 'button').map((b) => `${b.type}:${b.name}=${b.value}`).sort();
    assert.deepEqual(decisions, ['submit:decision=allow', 'submit:decision=deny']);
    assert.match(form.body, />Allow<\/button>/);
    assert.match(form.body, />Deny<\/button>/);
  });

  test('consent names the app and the account, and lists every API scope, profile group and offline access in words', () => {
    const html = friendlyPages().consent ?? '';
    assert.match(html, /<h1><strong>Todo Web<\/strong> wants to access your Lanekeeper account<\/h1>/);
    assert.match(html, /Signed in as<\/span> <strong>ada\.lovelace@example\.com<\/strong>/);
    for (const text of [
      'Calendar API',
      'https://calendar.example.com/api',
      'See your events and calendars',
      'Create, change and delete events',
      'Confirm that it is you who signed in',
      'Your name and profile picture',
      'Your email address',
      'Stay signed in',
      'Keep this access while you are not using Todo Web',
    ]) {
      assert.ok(html.includes(text), `shows "${text}"`);
    }
  });

  test('consent says nothing about staying signed in unless offline access is asked', () => {
    const html = renderConsentPage({ ...consentProps(), offlineAccess: false });
    assert.ok(!html.includes('Stay signed in'));
    assert.ok(!html.includes('offline_access'));
  });

  test('consent with nothing asked says so instead of an empty list', () => {
    const html = renderConsentPage({ ...consentProps(), apis: [], profile: [], offlineAccess: false });
    assert.ok(html.includes('It asks for no access beyond confirming that you signed in.'));
    assert.ok(!html.includes('<ul>'));
  });

  test('logout form posts csrf, interaction and decision=logout; interaction only when given', () => {
    const form = onlyForm(friendlyPages().logout ?? '');
    assert.ok(form);
    assert.deepEqual(form.attrs, { method: 'post', action: '/logout' });
    assert.deepEqual(fieldNames(form.body), ['csrf', 'decision', 'interaction']);
    assert.equal(hidden(form.body, 'csrf'), 'csrf-123');
    assert.deepEqual(tags(form.body, 'button').map((b) => `${b.type}:${b.name}=${b.value}`), ['submit:decision=logout']);
    assert.match(friendlyPages().logout ?? '', /<h1>Sign out of Lanekeeper\?<\/h1>/);

    const bare = onlyForm(renderLogoutPage({ branding: DEFAULT_BRANDING, action: '/logout', csrfToken: 'c' }));
    assert.deepEqual(fieldNames(bare?.body ?? ''), ['csrf', 'decision']);
  });

  test('logged-out and error pages have no form', () => {
    const pages = friendlyPages();
    assert.equal(onlyForm(pages['logged-out'] ?? ''), undefined);
    assert.equal(onlyForm(pages.error ?? ''), undefined);
  });

  test('error page shows title, message and the code in monospace; no code element without a code', async () => {
    const html = friendlyPages().error ?? '';
    assert.match(html, /<h1>This sign-in link cannot be used<\/h1>/);
    assert.match(html, /The application sent a request we could not accept\./);
    assert.match(html, /<p class="error-code">Error code: <code>invalid_request<\/code><\/p>/);
    const { renderErrorPage } = await import('../../src/ui/index.js');
    assert.ok(!renderErrorPage({ branding: DEFAULT_BRANDING, title: 't', message: 'm' }).includes('<code>'));
  });
});
