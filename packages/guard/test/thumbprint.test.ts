// RFC 7638 thumbprints by node:crypto, cross-checked against jose for every key type, and
// DPoP proofs signed by jose verified by the node:crypto proof check for every algorithm.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { jwkThumbprint } from '../src/thumbprint.js';
import { checkDpopProof, DpopProofError, ProofKeys } from '../src/dpop-proof.js';
import { messages } from '../src/lanes/index.js';

const URL_ = 'https://calendar.example.com/entries';
const ALGS = ['ES256', 'ES384', 'ES512', 'RS256', 'PS256', 'EdDSA'] as const;

async function publicJwk(alg: string): Promise<{ jwk: JWK; privateKey: CryptoKey }> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { jwk: await exportJWK(publicKey), privateKey };
}

describe('jwkThumbprint (RFC 7638)', () => {
  test('the example of RFC 7638 §3.1', () => {
    const jwk = {
      kty: 'RSA',
      n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
      alg: 'RS256',
      kid: '2011-04-29',
    };
    assert.equal(jwkThumbprint(jwk), 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  for (const alg of ALGS) {
    test(`${alg} keys: the same thumbprint as jose, whatever optional members the JWK carries`, async () => {
      const { jwk } = await publicJwk(alg);
      const expected = await calculateJwkThumbprint(jwk, 'sha256');
      assert.equal(jwkThumbprint(jwk), expected);
      assert.equal(jwkThumbprint({ ...jwk, kid: 'k1', use: 'sig', alg }), expected);
      // Member order in the input does not matter.
      assert.equal(jwkThumbprint(Object.fromEntries(Object.entries(jwk).reverse())), expected);
    });
  }

  test('refuses keys it cannot thumbprint', () => {
    assert.equal(jwkThumbprint({ kty: 'oct', k: 'c2VjcmV0' }), undefined);
    assert.equal(jwkThumbprint({ kty: 'EC', crv: 'P-256', x: 'AA' }), undefined);
    assert.equal(jwkThumbprint({ kty: 'RSA', n: 'AA', e: 65537 }), undefined);
    assert.equal(jwkThumbprint({}), undefined);
  });
});

describe('checkDpopProof on node:crypto, against proofs jose signed', () => {
  const now = Date.now();
  const expectations = (keys?: ProofKeys) => ({
    method: 'POST',
    url: URL_,
    algorithms: ALGS,
    now,
    iatWindowSec: 60,
    toleranceSec: 5,
    ...(keys ? { keys } : {}),
  });

  async function proof(alg: string, header: Record<string, unknown> = {}, claims: Record<string, unknown> = {}) {
    const { jwk, privateKey } = await publicJwk(alg);
    const jws = await new SignJWT({ htm: 'POST', htu: URL_, jti: `j-${Math.random()}`, ...claims })
      .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk, ...header })
      .setIssuedAt(Math.floor(now / 1000))
      .sign(privateKey);
    return { jws, jkt: await calculateJwkThumbprint(jwk, 'sha256') };
  }

  for (const alg of ALGS) {
    test(`${alg}: accepted, with jose's thumbprint as jkt; a flipped signature bit is refused`, async () => {
      const keys = new ProofKeys(4);
      const { jws, jkt } = await proof(alg);
      const checked = checkDpopProof(jws, expectations(keys));
      assert.equal(checked.jkt, jkt);
      // The second check uses the kept key.
      assert.equal(checkDpopProof(jws, { ...expectations(keys), jkt }).jkt, jkt);
      const last = jws.at(-2) === 'A' ? 'B' : 'A';
      const tampered = `${jws.slice(0, -2)}${last}${jws.slice(-1)}`;
      assert.throws(() => checkDpopProof(tampered, expectations(keys)), (e: unknown) => e instanceof DpopProofError && e.description === messages.proofSignature);
    });
  }

  test('a proof whose jwk is not the signing key is refused', async () => {
    const other = await publicJwk('ES256');
    const { privateKey } = await publicJwk('ES256');
    const jws = await new SignJWT({ htm: 'POST', htu: URL_, jti: 'j1' })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: other.jwk })
      .setIssuedAt(Math.floor(now / 1000))
      .sign(privateKey);
    assert.throws(() => checkDpopProof(jws, expectations(new ProofKeys())), (e: unknown) => e instanceof DpopProofError && e.description === messages.proofSignature);
  });

  test('critical extensions and unencoded payloads are refused, though validly signed', () => {
    // jose will not sign with an unknown crit, so these are signed by node:crypto directly.
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const signed = (extra: Record<string, unknown>) => {
      const input = `${b64({ alg: 'ES256', typ: 'dpop+jwt', jwk, ...extra })}.${b64({ htm: 'POST', htu: URL_, jti: 'j1', iat: Math.floor(now / 1000) })}`;
      return `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
    };
    assert.equal(checkDpopProof(signed({}), expectations()).jkt, jwkThumbprint(jwk as Record<string, unknown>));
    for (const extra of [{ crit: ['x-ext'], 'x-ext': 1 }, { b64: false, crit: ['b64'] }, { b64: true }]) {
      assert.throws(() => checkDpopProof(signed(extra), expectations()), (e: unknown) => e instanceof DpopProofError && e.description === messages.proofMalformed);
    }
  });

  test('characters outside base64url are refused before any key is imported', () => {
    assert.throws(() => checkDpopProof('a.b!.c', expectations()), (e: unknown) => e instanceof DpopProofError && e.description === messages.proofMalformed);
    assert.throws(() => checkDpopProof('a.b', expectations()), (e: unknown) => e instanceof DpopProofError && e.description === messages.proofMalformed);
  });
});
