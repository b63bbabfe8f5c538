// The pages in real Chromium, under their CSP: layout at desktop and phone widths,
// styles applied, no CSP violations, axe-core clean, forms that work without JavaScript.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { DEFAULT_BRANDING, pageCsp, renderConsentPage, type Branding } from '../../src/ui/index.js';
import { BRIGHT_BRANDING, IMG, SCRIPT, consentProps, friendlyPages, hostilePages } from './fixtures.js';
import { HAVE_CHROMIUM, launchChromium, servePages, type PageServer, type Served } from './harness.js';

const SHOTS = fileURLToPath(new URL('../../../../test-output/screenshots/ui/', import.meta.url));
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const VIEWPORTS: Record<string, BrowserContextOptions> = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true },
};

interface Case {
  path: string;
  /** Expected computed `--lk-primary` and primary-button background (rgb). */
  primary: string;
  hasButton: boolean;
}

const rgb = (hex: string) => {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
};

function stressConsent(): string {
  return renderConsentPage({
    ...consentProps(),
    clientName: 'Supercalifragilisticexpialidocious-Enterprise-Resource-Planning-Suite',
    userEmail: 'a.very.long.email.address.for.layout.testing@subdomain.example-company.co.uk',
    apis: [
      {
        name: 'Ledger',
        identifier: 'https://ledger.internal.example-company.co.uk/api/v2/organisations/accounts/transactions',
        scopes: [{ name: 'ledger:transactions:read:all-organisations', description: 'See every transaction in every organisation you belong to' }],
      },
      ...consentProps().apis,
    ],
  });
}

describe('ui pages in Chromium', { skip: HAVE_CHROMIUM ? false : 'no Chromium at /usr/bin/chromium (set LANEKEEPER_CHROMIUM)' }, () => {
  let browser: Browser;
  let app: PageServer; // stands in for the client app: another origin
  let lk: PageServer; // serves the pages
  const cases: Case[] = [];

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await servePages(new Map());
    const pages = new Map<string, Served>();
    const add = (path: string, html: string, branding: Branding | undefined, hasButton: boolean, extra: string[] = []) => {
      pages.set(path, { html, csp: pageCsp(extra, branding) });
      const primary = branding === BRIGHT_BRANDING ? '#ffd43b' : (DEFAULT_BRANDING.primaryColor);
      cases.push({ path, primary, hasButton });
    };
    const withButton = new Set(['login', 'login-error', 'consent', 'logout']);
    for (const [name, html] of Object.entries(friendlyPages())) add(`/${name}`, html, undefined, withButton.has(name), [app.url]);
    for (const [name, html] of Object.entries(friendlyPages(BRIGHT_BRANDING))) add(`/bright/${name}`, html, BRIGHT_BRANDING, withButton.has(name), [app.url]);
    const hostileBranding = { productName: 'x', primaryColor: 'red;}body{display:none' };
    for (const [name, html] of Object.entries(hostilePages())) add(`/hostile/${name}`, html, hostileBranding, withButton.has(name));
    add('/stress/consent', stressConsent(), undefined, true);
    // The same consent page under a CSP without the client's origin in form-action.
    pages.set('/strict/consent', {
      html: renderConsentPage({ ...consentProps(), action: '/interaction/consent-strict' }),
      csp: pageCsp(),
    });
    lk = await servePages(pages, {
      '/interaction/consent': `${app.url}/cb?code=abc`,
      '/interaction/consent-strict': `${app.url}/cb?code=abc`,
    });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await lk?.close();
    await app?.close();
  });

  /** Opens `path` in a fresh context; collects console errors (CSP violations show up there). */
  async function open(path: string, options: BrowserContextOptions = VIEWPORTS.desktop ?? {}) {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    const response = await page.goto(`${lk.url}${path}`);
    assert.equal(response?.status(), 200);
    return { page, errors, close: () => context.close() };
  }

  /**
   * axe-core in the page. The page's CSP (no script-src) blocks `page.addScriptTag`
   * (an inline <script>); `page.evaluate(source)` runs through DevTools, which CSP does
   * not govern, so axe checks the very page users get, CSP and all.
   */
  async function axeSeriousViolations(page: Page, note: (message: string) => void): Promise<string[]> {
    await page.evaluate(AXE_SOURCE);
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact?: string | null; nodes: { target: unknown }[] }[] }> } }).axe;
      const result = await axe.run();
      return result.violations.map((v) => ({ id: v.id, impact: v.impact ?? '', targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
    });
    for (const v of violations) note(`axe ${v.impact} ${v.id} at ${v.targets.join(', ')}`);
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id} at ${v.targets.join(', ')}`);
  }

  for (const [viewport, options] of Object.entries(VIEWPORTS)) {
    test(`every page at ${viewport} width: styled under its CSP, no overflow, no serious axe violations`, async (t) => {
      const context = await browser.newContext(options);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      try {
        for (const c of cases) {
          const where = `${c.path} @ ${viewport}`;
          errors.length = 0;
          assert.equal((await page.goto(`${lk.url}${c.path}`))?.status(), 200);
          const shot = `${c.path.slice(1).replaceAll('/', '-')}-${viewport}.png`;
          await page.screenshot({ path: `${SHOTS}${shot}`, fullPage: true });

          const layout = await page.evaluate(() => ({
            scrollWidth: document.documentElement.scrollWidth,
            innerWidth: window.innerWidth,
            mainMaxWidth: getComputedStyle(document.querySelector('main') as Element).maxWidth,
            primaryVar: getComputedStyle(document.documentElement).getPropertyValue('--lk-primary').trim(),
            button: (() => {
              const b = document.querySelector('.btn-primary');
              return b ? getComputedStyle(b).backgroundColor : undefined;
            })(),
          }));
          // A mobile browser zooms out to fit overflowing content (innerWidth grows with it),
          // so compare with the width we set as well as with innerWidth.
          const width = options.viewport?.width ?? 0;
          assert.ok(
            layout.scrollWidth <= layout.innerWidth && layout.innerWidth === width,
            `${where}: no horizontal overflow (scrollWidth ${layout.scrollWidth}, innerWidth ${layout.innerWidth}, viewport ${width})`,
          );
          assert.equal(layout.mainMaxWidth, '420px', `${where}: the base stylesheet applied`);
          assert.equal(layout.primaryVar, c.primary, `${where}: the brand stylesheet applied`);
          if (c.hasButton) assert.equal(layout.button, rgb(c.primary), `${where}: the button wears the brand colour`);

          assert.deepEqual(await axeSeriousViolations(page, (m) => t.diagnostic(`${where}: ${m}`)), [], `${where}: axe`);
          assert.deepEqual(errors, [], `${where}: no console errors (no CSP violations)`);
        }
      } finally {
        await context.close();
      }
    });
  }

  test('at 360 px wide no page overflows horizontally', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true });
    const page = await context.newPage();
    try {
      for (const c of cases) {
        await page.goto(`${lk.url}${c.path}`);
        const { scrollWidth, innerWidth } = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth,
        }));
        assert.ok(scrollWidth <= innerWidth && innerWidth === 360, `${c.path}: scrollWidth ${scrollWidth}, innerWidth ${innerWidth}`);
      }
    } finally {
      await context.close();
    }
  });

  test('hostile text renders as text: no script or image elements, the literal text is visible', async () => {
    for (const name of Object.keys(hostilePages())) {
      const { page, close } = await open(`/hostile/${name}`);
      try {
        const dom = await page.evaluate(() => ({
          scripts: document.querySelectorAll('script').length,
          images: document.querySelectorAll('img').length,
          handlers: document.querySelectorAll('[onerror],[onload],[onclick]').length,
          text: document.querySelector('main')?.textContent ?? '',
          bodyVisible: getComputedStyle(document.body).display !== 'none',
        }));
        assert.deepEqual(
          { ...dom, text: dom.text.includes(SCRIPT) && dom.text.includes(IMG) },
          { scripts: 0, images: 0, handlers: 0, text: true, bodyVisible: true },
          name,
        );
      } finally {
        await close();
      }
    }
  });

  test('keyboard focus is visible: the focused button gets a 3 px outline', async () => {
    const { page, close } = await open('/login');
    try {
      let onButton = false;
      for (let i = 0; i < 6 && !onButton; i++) {
        await page.keyboard.press('Tab');
        onButton = await page.evaluate(() => document.activeElement?.classList.contains('btn-primary') ?? false);
      }
      assert.ok(onButton, 'Tab reaches the Sign in button');
      const outline = await page.evaluate(() => {
        const s = getComputedStyle(document.activeElement as Element);
        return `${s.outlineStyle} ${s.outlineWidth}`;
      });
      assert.equal(outline, 'solid 3px');
      await page.screenshot({ path: `${SHOTS}login-focus-desktop.png`, fullPage: true });
    } finally {
      await close();
    }
  });

  test('the login form submits without JavaScript, and not while empty (required fields)', async () => {
    const { page, close } = await open('/login');
    try {
      const before = lk.posts.length;
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForTimeout(200);
      assert.equal(lk.posts.length, before, 'the browser refuses to submit empty required fields');

      await page.getByLabel('Email').fill('ada@example.com');
      await page.getByLabel('Password').fill('correct horse');
      await Promise.all([page.waitForURL(`${lk.url}/done`), page.getByRole('button', { name: 'Sign in' }).click()]);
      assert.deepEqual(lk.posts.at(-1), {
        path: '/interaction/login',
        fields: { csrf: 'csrf-123', interaction: 'int-456', email: 'ada@example.com', password: 'correct horse' },
      });
    } finally {
      await close();
    }
  });

  for (const decision of ['allow', 'deny'] as const) {
    test(`consent "${decision}" posts decision=${decision} and may redirect to the client origin named in form-action`, async () => {
      const { page, errors, close } = await open('/consent');
      try {
        const label = decision === 'allow' ? 'Allow' : 'Deny';
        await Promise.all([page.waitForURL(`${app.url}/cb?code=abc`), page.getByRole('button', { name: label, exact: true }).click()]);
        assert.deepEqual(lk.posts.at(-1), {
          path: '/interaction/consent',
          fields: { csrf: 'csrf-consent-123', interaction: 'int-consent-456', decision },
        });
        assert.deepEqual(errors, []);
      } finally {
        await close();
      }
    });
  }

  test('without the client origin in form-action, Chromium refuses the redirect after consent', async () => {
    const { page, errors, close } = await open('/strict/consent');
    try {
      await page.getByRole('button', { name: 'Allow', exact: true }).click();
      await page.waitForTimeout(500);
      assert.equal(lk.posts.at(-1)?.path, '/interaction/consent-strict', 'the POST itself is same-origin and allowed');
      assert.ok(!page.url().startsWith(app.url), `stayed off the client origin, at ${page.url()}`);
      assert.ok(errors.some((e) => e.includes('form-action')), `a form-action violation was reported: ${errors.join(' | ')}`);
    } finally {
      await close();
    }
  });

  test('the logout form posts csrf, interaction and decision=logout', async () => {
    const { page, close } = await open('/logout');
    try {
      await Promise.all([page.waitForURL(`${lk.url}/done`), page.getByRole('button', { name: 'Sign out' }).click()]);
      assert.deepEqual(lk.posts.at(-1), { path: '/logout', fields: { csrf: 'csrf-123', interaction: 'int-456', decision: 'logout' } });
    } finally {
      await close();
    }
  });
});
