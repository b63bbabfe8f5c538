import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, type JsonWebKey } from 'node:crypto';
import { SignJWT, compactVerify, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { signCompact } from '../src/keys/jws.js';

describe('compact JWS signing on node:crypto', () => {
  for (const [alg, options] of [['RS256', { modulusLength: 2048 }], ['ES256', {}], ['EdDSA', { crv: 'Ed25519' }]] as const) {
    test(`${alg}: tokens signed with node:crypto verify in jose, and a tampered one does not`, async () => {
      const { publicKey, privateKey } = await generateKeyPair(alg, { ...options, extractable: true });
      const keyObject = createPrivateKey({ key: (await exportJWK(privateKey)) as JsonWebKey, format: 'jwk' });
      const token = signCompact({ alg, kid: 'k', typ: 'at+jwt' }, { sub: 'x', n: 1, text: 'é✓' }, keyObject);
      const { payload, protectedHeader } = await jwtVerify(token, publicKey, { typ: 'at+jwt' });
      assert.equal(protectedHeader.kid, 'k');
      assert.equal(payload.text, 'é✓');
      const [h, , s] = token.split('.');
      const tampered = `${h}.${Buffer.from(JSON.stringify({ sub: 'y', n: 1, text: 'é✓' })).toString('base64url')}.${s}`;
      await assert.rejects(compactVerify(tampered, publicKey));
    });

    test(`${alg}: node:crypto and jose produce interchangeable signatures over the same input`, async () => {
      const { publicKey, privateKey } = await generateKeyPair(alg, { ...options, extractable: true });
      const keyObject = createPrivateKey({ key: (await exportJWK(privateKey)) as JsonWebKey, format: 'jwk' });
      const viaJose = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg }).sign(privateKey);
      const viaNode = signCompact({ alg }, { sub: 'x' }, keyObject);
      assert.equal(viaNode.split('.').slice(0, 2).join('.'), viaJose.split('.').slice(0, 2).join('.'), 'same header and payload encoding');
      await compactVerify(viaNode, publicKey);
      await compactVerify(viaJose, publicKey);
      if (alg !== 'ES256') assert.equal(viaNode, viaJose, 'deterministic signatures match byte for byte');
    });
  }

  test('refuses algorithms it does not sign with', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const keyObject = createPrivateKey({ key: (await exportJWK(privateKey)) as JsonWebKey, format: 'jwk' });
    assert.throws(() => signCompact({ alg: 'HS256' }, {}, keyObject), /cannot sign/);
    assert.throws(() => signCompact({ alg: 'none' }, {}, keyObject), /cannot sign/);
  });
});
