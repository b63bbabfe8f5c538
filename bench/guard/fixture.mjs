// Signing key and pre-minted access tokens for the guard benchmark, cached under
// bench/.cache so runs do not spend minutes signing. Regenerated when missing, for another
// count or algorithm, or within a day of expiring.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';

/** A fixed issuer identifier: tokens stay valid whatever port the local JWKS server binds. */
export const ISSUER = 'https://issuer.bench.lanekeeper.test';
export const AUDIENCE = 'https://calendar.bench.lanekeeper.test';
export const SCOPE = 'read:calendar';

const CACHE_DIR = new URL('../.cache/', import.meta.url);
const LIFETIME = 7 * 24 * 3600;

/**
 * @param {{ alg: 'RS256' | 'ES256', count: number }} options
 * @returns {Promise<{ alg: string, kid: string, publicJwk: import('jose').JWK, tokens: string[], file: URL }>}
 *   (`file`: the cached JSON, which the load generator reads the tokens from)
 */
export async function loadFixture({ alg, count }) {
  const file = new URL(`guard-${alg}-${count}.json`, CACHE_DIR);
  try {
    const cached = JSON.parse(readFileSync(file, 'utf8'));
    if (cached.alg === alg && cached.tokens.length === count && cached.exp - 86400 > Date.now() / 1000) return { ...cached, file };
  } catch {
    // no usable cache: mint below
  }
  const started = Date.now();
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, modulusLength: 2048 });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  Object.assign(publicJwk, { kid, alg, use: 'sig' });
  const iat = Math.floor(Date.now() / 1000);
  const exp = iat + LIFETIME;
  const tokens = [];
  for (let i = 0; i < count; i++) {
    const claims = { iss: ISSUER, sub: `user_${i.toString(36).padStart(6, '0')}`, aud: AUDIENCE, client_id: 'bench-client', scope: SCOPE, iat, exp, jti: randomUUID() };
    tokens.push(await new SignJWT(claims).setProtectedHeader({ alg, kid, typ: 'at+jwt' }).sign(privateKey));
  }
  const fixture = { alg, kid, exp, publicJwk, tokens };
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(file, JSON.stringify(fixture));
  console.error(`minted ${count} ${alg} tokens in ${Date.now() - started} ms (cached in ${file.pathname})`);
  return { ...fixture, file };
}
