import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytesPooled } from '../src/util/random.js';

test('pooled random bytes never repeat a value and span refills', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 5000; i++) {
    const b = randomBytesPooled(16);
    assert.equal(b.length, 16);
    seen.add(b.toString('hex'));
  }
  assert.equal(seen.size, 5000, 'no 128-bit value came out twice');
  const a = randomBytesPooled(32);
  const copy = Buffer.from(a);
  randomBytesPooled(8192);
  assert.deepEqual(a, copy, 'a returned buffer is not overwritten by later draws');
  assert.notDeepEqual(randomBytesPooled(4096), Buffer.alloc(4096), 'large draws are random too');
});
