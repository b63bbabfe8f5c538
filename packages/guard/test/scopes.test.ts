import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseScopes } from '../src/index.js';

describe('parseScopes', () => {
  test('splits the scope claim on spaces', () => {
    assert.deepEqual(parseScopes({ scope: 'read:calendar write:calendar openid' }), ['read:calendar', 'write:calendar', 'openid']);
    assert.deepEqual(parseScopes({ scope: 'read:calendar' }), ['read:calendar']);
  });

  test('skips empty entries from leading, trailing and repeated spaces', () => {
    assert.deepEqual(parseScopes({ scope: '  read:calendar   write:calendar ' }), ['read:calendar', 'write:calendar']);
    assert.deepEqual(parseScopes({ scope: '' }), []);
    assert.deepEqual(parseScopes({ scope: '   ' }), []);
  });

  test('splits on the space only (RFC 6749 §3.3), not on other whitespace', () => {
    assert.deepEqual(parseScopes({ scope: 'a\tb c' }), ['a\tb', 'c']);
  });

  test('takes an scp list of strings, and nothing from other types', () => {
    assert.deepEqual(parseScopes({ scp: ['read:calendar', '', 7, 'admin'] }), ['read:calendar', 'admin']);
    assert.deepEqual(parseScopes({ scope: 42 }), []);
    assert.deepEqual(parseScopes({}), []);
  });
});
