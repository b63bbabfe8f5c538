// Signature verification on node:crypto: every allowed algorithm against tokens jose signed,
// and the exact parameters (PSS salt length, ECDSA encoding, key type, curve and size).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { SignJWT, base64url, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { ASYMMETRIC_ALGORITHMS, createGuard, type Guard } from '../src/index.js';
import { messages } from '../src/lanes/index.js';
import { importPublicJwk, signatureVerifier } from '../src/signature.js';
import { tamper } from './helpers/issuer.js';
import { assertRefused, request } from './helpers/assert.js';

const ISSUER = 'https://id.example.com';
const AUDIENCE = 'https://calendar.example.com';
const JWKS_URI = `${ISSUER}/jwks`;

/** A guard whose JWKS is served by an injected fetch (no network). */
function guardWith(keys: JWK[]): Guard {
  const fetch = async () => Response.json({ keys }, { headers: { 'cache-control': 'max-age=600' } });
  return createGuard({ issuer: ISSUER, audience: AUDIENCE, jwksUri: JWKS_URI, fetch });
}

function claims(): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { iss: ISSUER, aud: AUDIENCE, sub: 'user_1', client_id: 'todo-web', scope: 'read:calendar', iat: now, exp: now + 600, jti: 'j1' };
}

interface Signer {
  alg: string;
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function signer(alg: string, kid = `key-${alg}`): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, use: 'sig' } };
}

const jwt = (s: Signer, header: Record<string, unknown> = {}) =>
  new SignJWT(claims()).setProtectedHeader({ alg: s.alg, kid: s.kid, typ: 'at+jwt', ...header }).sign(s.privateKey);

/** A token signed by hand with node:crypto, for signatures jose would not make. */
function handSigned(header: Record<string, unknown>, sigFor: (input: Buffer) => Buffer): string {
  const enc = (v: unknown) => base64url.encode(JSON.stringify(v));
  const input = `${enc({ typ: 'at+jwt', ...header })}.${enc(claims())}`;
  return `${input}.${base64url.encode(sigFor(Buffer.from(input)))}`;
}

const nodeKeyOf = (k: CryptoKey): KeyObject => KeyObject.from(k);

describe('signature verification with node:crypto, for every allowed algorithm', () => {
  for (const alg of ASYMMETRIC_ALGORITHMS) {
    test(`accepts a ${alg} access token signed by jose, and refuses it once its payload or signature is altered`, async () => {
      const s = await signer(alg);
      const guard = guardWith([s.jwk]);
      const token = await jwt(s);
      assert.equal((await guard.verify(request({ token }))).sub, 'user_1');

      const altered = tamper(token, (c) => {
        c['scope'] = 'admin:calendar';
      });
      await assertRefused(guard.verify(request({ token: altered })), { status: 401, code: 'invalid_token', description: messages.badSignature }, altered);

      const [h, p, sig] = token.split('.') as [string, string, string];
      const bytes = base64url.decode(sig);
      const middle = bytes.length >> 1;
      bytes[middle] = (bytes[middle] ?? 0) ^ 0x01;
      const flipped = `${h}.${p}.${base64url.encode(bytes)}`;
      await assertRefused(guard.verify(request({ token: flipped })), { status: 401, code: 'invalid_token', description: messages.badSignature }, flipped);
    });
  }
});

describe('signature parameters are exact', () => {
  test('an ES256 signature in DER encoding does not verify (JWS needs R || S)', async () => {
    const s = await signer('ES256');
    const key = nodeKeyOf(s.privateKey);
    const der = handSigned({ alg: 'ES256', kid: s.kid }, (input) => sign('sha256', input, key));
    await assertRefused(guardWith([s.jwk]).verify(request({ token: der })), { status: 401, code: 'invalid_token', description: messages.badSignature }, der);
    // The same key and encoding R || S verifies, so only the encoding made the difference.
    const p1363 = handSigned({ alg: 'ES256', kid: s.kid }, (input) => sign('sha256', input, { key, dsaEncoding: 'ieee-p1363' }));
    assert.equal((await guardWith([s.jwk]).verify(request({ token: p1363 }))).sub, 'user_1');
  });

  test('a PS256 signature with a salt shorter than the digest does not verify', async () => {
    const s = await signer('PS256');
    const key = nodeKeyOf(s.privateKey);
    const pss = (saltLength: number) => (input: Buffer) => sign('sha256', input, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength });
    const short = handSigned({ alg: 'PS256', kid: s.kid }, pss(20));
    await assertRefused(guardWith([s.jwk]).verify(request({ token: short })), { status: 401, code: 'invalid_token', description: messages.badSignature }, short);
    const exact = handSigned({ alg: 'PS256', kid: s.kid }, pss(32));
    assert.equal((await guardWith([s.jwk]).verify(request({ token: exact }))).sub, 'user_1');
  });

  test('a PKCS#1 v1.5 signature under a PS256 header does not verify, nor a PSS one under RS256', async () => {
    const s = await signer('RS256');
    const jwk = { ...s.jwk }; // no alg member: the key may serve RS and PS
    const key = nodeKeyOf(s.privateKey);
    const v15 = handSigned({ alg: 'PS256', kid: s.kid }, (input) => sign('sha256', input, key));
    await assertRefused(guardWith([jwk]).verify(request({ token: v15 })), { status: 401, code: 'invalid_token', description: messages.badSignature }, v15);
    const pss = handSigned({ alg: 'RS256', kid: s.kid }, (input) => sign('sha256', input, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }));
    await assertRefused(guardWith([jwk]).verify(request({ token: pss })), { status: 401, code: 'invalid_token', description: messages.badSignature }, pss);
  });

  test('an RS256 signature made with SHA-512 does not verify', async () => {
    const s = await signer('RS256');
    const key = nodeKeyOf(s.privateKey);
    const token = handSigned({ alg: 'RS256', kid: s.kid }, (input) => sign('sha512', input, key));
    await assertRefused(guardWith([s.jwk]).verify(request({ token })), { status: 401, code: 'invalid_token', description: messages.badSignature }, token);
  });

  test('refuses a token signed with an RSA key under 2048 bits as an unusable key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const jwk = { ...(publicKey.export({ format: 'jwk' }) as JWK), kid: 'small', alg: 'RS256', use: 'sig' };
    const token = handSigned({ alg: 'RS256', kid: 'small' }, (input) => sign('sha256', input, privateKey));
    await assertRefused(guardWith([jwk]).verify(request({ token })), { status: 401, code: 'invalid_token', description: messages.unusableKey }, token);
  });

  test('refuses a JWK that node:crypto cannot import (a point off the curve) as an unusable key', async () => {
    const s = await signer('ES256');
    const broken = { ...s.jwk, y: s.jwk.x };
    const token = await jwt(s);
    await assertRefused(guardWith([broken]).verify(request({ token })), { status: 401, code: 'invalid_token', description: messages.unusableKey }, token);
  });

  test('refuses a token whose header lists critical extensions', async () => {
    const s = await signer('ES256');
    const token = handSigned({ alg: 'ES256', kid: s.kid, crit: ['exp'], exp: 1 }, (input) => sign('sha256', input, { key: nodeKeyOf(s.privateKey), dsaEncoding: 'ieee-p1363' }));
    await assertRefused(guardWith([s.jwk]).verify(request({ token })), { status: 401, code: 'invalid_token', description: messages.unsupportedCrit }, token);
  });

  test('refuses a signature segment that is not unpadded base64url as malformed, though it would decode to the same bytes', async () => {
    const s = await signer('ES256');
    const guard = guardWith([s.jwk]);
    const token = await jwt(s);
    assert.equal((await guard.verify(request({ token }))).sub, 'user_1');
    const [h, p, sig] = token.split('.') as [string, string, string];
    const standardAlphabet = `${h}.${p}.${Buffer.from(sig, 'base64url').toString('base64').replace(/=+$/, '')}`;
    const padded = `${token}==`;
    // A segment of 4n+1 characters cannot be whole bytes (Buffer would drop the last one).
    const oneCharTooMany = `${token}${'A'.repeat((5 - (sig.length % 4)) % 4)}`;
    for (const variant of [`${token.slice(0, -2)}+/`, padded, oneCharTooMany, ...(standardAlphabet.includes('+') || standardAlphabet.includes('/') ? [standardAlphabet] : [])]) {
      await assertRefused(guard.verify(request({ token: variant })), { status: 401, code: 'invalid_token', description: messages.malformedToken }, variant);
    }
  });
});

describe('signatureVerifier: a key of the wrong type, curve or size for the alg gets no verifier', () => {
  const rsa2048 = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
  const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey;
  const ed25519 = generateKeyPairSync('ed25519').publicKey;
  const ed448 = generateKeyPairSync('ed448').publicKey;

  const cases: Array<[string, KeyObject, string]> = [
    ['an EC key', p256, 'RS256'],
    ['an EC key', p256, 'PS256'],
    ['an Ed25519 key', ed25519, 'RS256'],
    ['an RSA key', rsa2048, 'ES256'],
    ['a P-256 key', p256, 'ES384'],
    ['a P-384 key', p384, 'ES256'],
    ['a P-384 key', p384, 'ES512'],
    ['an RSA key', rsa2048, 'EdDSA'],
    ['an EC key', p256, 'Ed25519'],
    ['an Ed448 key', ed448, 'EdDSA'],
    ['an RSA key', rsa2048, 'HS256'],
    ['an RSA key', rsa2048, 'none'],
  ];
  for (const [what, key, alg] of cases) {
    test(`${what} cannot verify ${alg}`, () => {
      assert.equal(signatureVerifier(key, alg), undefined);
    });
  }

  test('a symmetric (oct) JWK is not imported as a verification key', () => {
    assert.throws(() => importPublicJwk({ kty: 'oct', k: 'c2VjcmV0' }));
    assert.equal(importPublicJwk(p256.export({ format: 'jwk' })).type, 'public');
  });

  test('fitting keys get a verifier that refuses garbage without throwing', () => {
    for (const [key, alg] of [[rsa2048, 'RS256'], [rsa2048, 'PS512'], [p256, 'ES256'], [p384, 'ES384'], [ed25519, 'EdDSA'], [ed25519, 'Ed25519']] as const) {
      const verifier = signatureVerifier(key, alg);
      assert.ok(verifier, `${alg} verifier`);
      assert.equal(verifier.verify(Buffer.from('a.b'), Buffer.alloc(3)), false);
      assert.equal(verifier.verify(Buffer.from('a.b'), Buffer.alloc(0)), false);
    }
  });
});
