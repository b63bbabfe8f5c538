import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_BRANDING, renderConsentPage, renderErrorPage, renderLoginPage } from '../../src/ui/index.js';
import { consentProps, hostilePages, styleBlocks } from './fixtures.js';

const DEFAULT_RULE = ':root{--lk-primary:#1f5fbf;--lk-on-primary:#ffffff;--lk-accent:#1f5fbf;';

describe('ui escaping', () => {
  for (const [name, html] of Object.entries(hostilePages())) {
    test(`${name} page shows hostile text as text, never as markup`, () => {
      assert.ok(!/<script/i.test(html), 'no <script> element');
      assert.ok(!/<img/i.test(html), 'no <img> element (the hostile logo URL is dropped, the hostile text is escaped)');
      const onerrors = html.split('onerror').length - 1;
      assert.ok(onerrors > 0, 'the hostile text is on the page');
      assert.equal(html.split('&quot;>&lt;img src=x onerror').length - 1, onerrors, 'every onerror= is inside escaped text');
      assert.ok(!html.includes('javascript:'), 'no javascript: URL survives');
      assert.ok(html.includes('&lt;script>alert(1)&lt;/script>'), 'the script text is shown, escaped');
      assert.ok(html.includes('&quot;>&lt;img src=x onerror=alert(1)>'), 'the attribute-breaking text is shown, escaped');
    });
  }

  test('an invalid branding colour falls back to the default and never reaches the CSS', () => {
    for (const primaryColor of ['red;}body{display:none', 'url(javascript:alert(1))', '#12345', '#ggg', 'red', '', '#1f5fbf;x:y']) {
      const html = renderErrorPage({ branding: { productName: 'Acme', primaryColor }, title: 't', message: 'm' });
      const brand = styleBlocks(html)[1] ?? '';
      assert.ok(brand.startsWith(DEFAULT_RULE), `${JSON.stringify(primaryColor)} → default colour, got ${brand}`);
      assert.ok(!html.includes('display:none') && !html.includes('x:y'));
    }
  });

  test('a valid hex colour is used, normalised to #rrggbb', () => {
    const html = renderErrorPage({ branding: { productName: 'Acme', primaryColor: '#ABC' }, title: 't', message: 'm' });
    assert.match(styleBlocks(html)[1] ?? '', /--lk-primary:#aabbcc;/);
  });

  test('the logo is shown only for https, same-origin or data:image URLs, with "<product> logo" alt text', () => {
    const withLogo = (logoUrl: string) =>
      renderErrorPage({ branding: { ...DEFAULT_BRANDING, productName: 'Acme', logoUrl }, title: 't', message: 'm' });
    assert.match(withLogo('https://cdn.example.com/acme.svg'), /<img src="https:\/\/cdn\.example\.com\/acme\.svg" alt="Acme logo"\/>/);
    assert.match(withLogo('/assets/logo.png'), /<img src="\/assets\/logo\.png" alt="Acme logo"\/>/);
    assert.match(withLogo('data:image/png;base64,iVBORw0KGgo='), /<img src="data:image\/png;base64,iVBORw0KGgo=" alt="Acme logo"\/>/);
    for (const bad of ['javascript:alert(1)', 'http://cdn.example.com/x.png', '//evil.example/x.png', 'data:text/html,<b>x</b>', 'not a url']) {
      assert.ok(!withLogo(bad).includes('<img'), `${bad} is not used as the logo`);
    }
  });

  test('an empty product name falls back to the default one', () => {
    const html = renderErrorPage({ branding: { productName: '  ', primaryColor: '#000000' }, title: 't', message: 'm' });
    assert.match(html, /<title>t · Lanekeeper<\/title>/);
  });

  test('a hostile client URI is not linked', () => {
    const html = renderConsentPage({ ...consentProps(), clientUri: 'javascript:alert(1)//https://x' });
    assert.ok(!html.includes('<a '));
    const ok = renderConsentPage(consentProps());
    assert.match(ok, /<a href="https:\/\/todo\.example\.com\/about" rel="noopener noreferrer">todo\.example\.com<\/a>/);
  });

  test('the login error is escaped inside its alert', () => {
    const html = renderLoginPage({
      branding: DEFAULT_BRANDING,
      action: '/login',
      csrfToken: 'c',
      interaction: 'i',
      clientName: 'App',
      error: '<b>wrong</b> & "bad"',
    });
    assert.match(html, /role="alert"[^>]*>&lt;b>wrong&lt;\/b> &amp; &quot;bad&quot;<\/div>/);
  });
});
