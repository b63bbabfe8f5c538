// The small pieces people read: token times in words, wrapping to the width, colour only
// where it belongs, and what a pasted token is trimmed of.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { absoluteTime, timePhrase } from '../../src/lanetools/times.js';
import { colourWanted, styleFor, visibleLength, wrap } from '../../src/lanetools/terminal.js';
import { normalize, preview } from '../../src/lanetools/token-input.js';

const NOW = 1_800_000_000;

describe('lane tools: formatting', () => {
  test('says times as people do: expires in 4 min, expired 2 h ago, issued 3 d ago', () => {
    assert.equal(timePhrase('exp', NOW + 240, NOW), 'expires in 4 min');
    assert.equal(timePhrase('exp', NOW - 7200, NOW), 'expired 2 h ago');
    assert.equal(timePhrase('iat', NOW - 3 * 86_400, NOW), 'issued 3 d ago');
    assert.equal(timePhrase('nbf', NOW + 45, NOW), 'not valid for another 45 s');
    assert.equal(timePhrase('iat', NOW, NOW), 'issued just now');
    assert.equal(absoluteTime(NOW), '2027-01-15 08:00:00 UTC');
  });

  test('wraps text within the width, cutting only words longer than a line', () => {
    const text = 'this is an ID token (it tells the client app who logged in; its aud is the client app); send the access token instead';
    for (const width of [20, 37, 60]) {
      const lines = wrap(text, width);
      assert.ok(lines.every((l) => visibleLength(l) <= width), `width ${width}`);
      assert.equal(lines.join(' '), text);
    }
    assert.deepEqual(wrap('x'.repeat(25), 10), ['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });

  test('uses colour on a terminal only, never with NO_COLOR or TERM=dumb', () => {
    assert.equal(colourWanted({ isTTY: true }, {}), true);
    assert.equal(colourWanted({ isTTY: false }, {}), false);
    assert.equal(colourWanted({ isTTY: true }, { NO_COLOR: '1' }), false);
    assert.equal(colourWanted({ isTTY: true }, { NO_COLOR: '' }), true, 'an empty NO_COLOR does not count (no-color.org)');
    assert.equal(colourWanted({ isTTY: true }, { TERM: 'dumb' }), false);
    assert.equal(styleFor({ isTTY: false }, {}).red('x'), 'x');
    assert.equal(styleFor({ isTTY: true, columns: 100 }, {}).red('x'), '\u001b[31mx\u001b[39m');
    assert.equal(styleFor({ isTTY: false }, {}).width, 100);
  });

  test('trims what surrounds a pasted token, and previews without giving it away', () => {
    assert.deepEqual(normalize(' "Authorization: Bearer abc.def.ghi"\n'), { token: 'abc.def.ghi', removed: ['the quotes around it', 'the Authorization header name', 'the Bearer scheme'] });
    assert.equal(preview('lk_rt_Qm9yZWQgYnkgdGhpcyB0ZXN0'), 'lk_rt_Qm9y…');
    assert.equal(preview('eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'), 'eyJhbGciOiJFUzI1…');
    assert.equal(preview('abcd'), 'ab…', 'a short string shows only its first half');
  });
});
