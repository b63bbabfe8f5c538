import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { pageCsp } from '../../src/ui/index.js';
import { BRIGHT_BRANDING, friendlyPages, hostilePages, styleBlocks } from './fixtures.js';

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((d) => {
      const [name = '', ...values] = d.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );
}

describe('ui content security policy', () => {
  test('is locked down: nothing by default, no framing, no base, no scripts, no unsafe-inline', () => {
    const csp = pageCsp();
    const d = directives(csp);
    assert.deepEqual(d.get('default-src'), ["'none'"]);
    assert.deepEqual(d.get('frame-ancestors'), ["'none'"]);
    assert.deepEqual(d.get('base-uri'), ["'none'"]);
    assert.deepEqual(d.get('form-action'), ["'self'"]);
    assert.deepEqual(d.get('img-src'), ["'self'", 'https:', 'data:']);
    assert.ok(!d.has('script-src'), 'scripts fall back to default-src none');
    assert.ok(!csp.includes('unsafe'), 'no unsafe-inline / unsafe-eval / unsafe-hashes');
    assert.ok(csp.includes("frame-ancestors 'none'"));
  });

  for (const [label, branding, pages] of [
    ['default branding', undefined, friendlyPages()],
    ['custom branding', BRIGHT_BRANDING, friendlyPages(BRIGHT_BRANDING)],
    ['invalid branding', { productName: 'x', primaryColor: 'red;}body{display:none' }, hostilePages()],
  ] as const) {
    test(`allows exactly the inline styles each page emits, by hash (${label})`, () => {
      const styleSrc = directives(pageCsp([], branding)).get('style-src') ?? [];
      for (const [name, html] of Object.entries(pages)) {
        const blocks = styleBlocks(html);
        assert.equal(blocks.length, 2, `${name}: base CSS and brand colours`);
        assert.deepEqual([...styleSrc].sort(), blocks.map(sha256).sort(), `${name}: every emitted <style> is hashed, nothing else`);
      }
    });
  }

  test('the base CSS hash is stable while the brand hash follows the branding colour', () => {
    const a = directives(pageCsp()).get('style-src') ?? [];
    const b = directives(pageCsp([], BRIGHT_BRANDING)).get('style-src') ?? [];
    assert.equal(a[0], b[0]);
    assert.notEqual(a[1], b[1]);
    const edited = (styleBlocks(friendlyPages().login ?? '')[0] ?? '').replace('#fff;', '#fffffe;');
    assert.ok(!a.includes(sha256(edited)), 'a changed stylesheet would be refused');
  });

  test('extra form actions are added as origins or private-use schemes; anything that could inject is dropped', () => {
    const d = directives(
      pageCsp([
        'https://todo.example.com/callback?x=1',
        'https://todo.example.com/other',
        'http://localhost:3000/cb',
        'com.example.app:/oauth2redirect',
        "https://x.example; script-src 'unsafe-inline'",
        'javascript:alert(1)',
        'data:text/html,hi',
        'not a url',
        '',
      ]),
    );
    assert.deepEqual(d.get('form-action'), ["'self'", 'https://todo.example.com', 'http://localhost:3000', 'com.example.app:']);
    assert.ok(!d.has('script-src'));
  });
});
