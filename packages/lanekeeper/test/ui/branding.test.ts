import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_BRANDING } from '../../src/ui/index.js';
import { resolveBranding } from '../../src/ui/branding.js';
import { contrastRatio, readableTextOn } from '../../src/ui/colour.js';

/** A spread of colours: greys, the primaries, pastels, mid-tones that sit near 4.5:1. */
const SAMPLES = ['#000000', '#ffffff', '#777777', '#808080', '#ff0000', '#00ff00', '#0000ff', '#ffff00', '#00ffff',
  '#ff00ff', '#ffd43b', '#2f9e44', '#e8590c', '#1f5fbf', '#3b5bdb', '#f8f9fa', '#868e96', '#12b886', '#ae3ec9'];

describe('ui branding colours', () => {
  test('contrast maths matches WCAG reference values', () => {
    assert.equal(contrastRatio('#000000', '#ffffff'), 21);
    assert.equal(contrastRatio('#123456', '#123456'), 1);
    assert.ok(Math.abs(contrastRatio('#777777', '#ffffff') - 4.48) < 0.01);
    assert.equal(readableTextOn('#ffd43b'), '#000000');
    assert.equal(readableTextOn('#1f5fbf'), '#ffffff');
  });

  test('the default branding meets AA: white on the button colour and the colour on white', () => {
    const b = resolveBranding(DEFAULT_BRANDING);
    assert.equal(b.onPrimary, '#ffffff');
    assert.equal(b.accent, b.primary, 'the default colour is itself readable as link text');
    assert.ok(contrastRatio(b.primary, '#ffffff') >= 4.5);
  });

  for (const colour of SAMPLES) {
    test(`brand colour ${colour}: button text and links reach 4.5:1`, () => {
      const b = resolveBranding({ productName: 'X', primaryColor: colour });
      assert.equal(b.primary, colour);
      assert.ok(contrastRatio(b.onPrimary, b.primary) >= 4.5, `button text ${b.onPrimary} on ${b.primary}`);
      assert.ok(contrastRatio(b.accent, '#ffffff') >= 4.5, `link colour ${b.accent} on white`);
    });
  }
});
