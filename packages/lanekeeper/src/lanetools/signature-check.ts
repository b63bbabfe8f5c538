/**
 * The verification `inspect` shows for any signed JWT, step by step: algorithm, key by kid,
 * signature (jose), issuer, exp/nbf. It describes; it does not decide. Whether an API would
 * accept the token is the guard's verdict (`verdict.ts`), which also covers the lane, `aud`
 * and scopes.
 */
import { calculateJwkThumbprint, compactVerify, EmbeddedJWK, importJWK, type JWK } from 'jose';
import type { Step } from './issuer.js';
import { duration } from './times.js';

export interface SignatureCheckOptions {
  jwks: { keys: JWK[] };
  /** The algorithm allow-list (the guard's default unless given). */
  algorithms: readonly string[];
  /** When given, `iss` must equal it. */
  issuer?: string | undefined;
  toleranceSec: number;
  nowSec: number;
}

const notChecked = (check: string, detail = 'not checked'): Step => ({ check, ok: null, detail });

/** The alg step: asymmetric and in the allow-list. */
export function algorithmStep(alg: unknown, allowed: readonly string[]): Step {
  if (typeof alg !== 'string') return { check: 'alg', ok: false, detail: 'the header names no alg' };
  if (alg.toLowerCase() === 'none') return { check: 'alg', ok: false, detail: 'alg none: the token is unsigned, nothing vouches for it' };
  if (/^HS\d+$/i.test(alg)) {
    return { check: 'alg', ok: false, detail: `${alg} is a shared-secret algorithm: no public key can check it, and an API must refuse it` };
  }
  if (!allowed.includes(alg)) return { check: 'alg', ok: false, detail: `${alg} is not in the allow-list (${allowed.join(', ')})` };
  return { check: 'alg', ok: true, detail: `${alg} (asymmetric, in the allow-list)` };
}

function keyType(jwk: JWK): string {
  return [jwk.kty, jwk.crv].filter(Boolean).join(' ');
}

function fitsAlg(jwk: JWK, alg: string): boolean {
  if (alg.startsWith('RS') || alg.startsWith('PS')) return jwk.kty === 'RSA';
  if (alg.startsWith('ES')) return jwk.kty === 'EC';
  return jwk.kty === 'OKP';
}

/** The key step: the JWKS entry the header's kid names (or the one key of the alg's type). */
function findKey(header: Record<string, unknown>, alg: string, keys: JWK[]): { step: Step; jwk?: JWK } {
  const kid = header['kid'];
  if (typeof kid === 'string') {
    const named = keys.filter((k) => k.kid === kid);
    if (named.length === 0) return { step: { check: 'kid', ok: false, detail: `${kid} is not in the JWKS: not this issuer's key, or a retired one` } };
    const fit = named.find((k) => (k.alg === undefined || k.alg === alg) && fitsAlg(k, alg));
    if (!fit) return { step: { check: 'kid', ok: false, detail: `${kid} names a ${keyType(named[0] as JWK)} key${named[0]?.alg ? ` for ${named[0].alg}` : ''}, not one for ${alg}` } };
    return { step: { check: 'kid', ok: true, detail: `${kid} found (${keyType(fit)})` }, jwk: fit };
  }
  const fit = keys.filter((k) => (k.alg === undefined || k.alg === alg) && fitsAlg(k, alg));
  if (fit.length === 1) return { step: { check: 'kid', ok: true, detail: `no kid; the JWKS has one ${alg} key` }, jwk: fit[0] as JWK };
  return { step: { check: 'kid', ok: false, detail: fit.length === 0 ? `no kid, and no ${alg} key in the JWKS` : `no kid, and ${fit.length} keys fit ${alg}` } };
}

/** exp and nbf at `now`, with the tolerance APIs allow. */
export function timeStep(claims: Record<string, unknown> | undefined, o: { toleranceSec: number; nowSec: number }, expRequired = true): Step {
  const exp = claims?.['exp'];
  const nbf = claims?.['nbf'];
  if (typeof nbf === 'number' && nbf > o.nowSec + o.toleranceSec) return { check: 'exp/nbf', ok: false, detail: `not valid for another ${duration(nbf - o.nowSec)} (nbf)` };
  if (typeof exp !== 'number') return expRequired ? { check: 'exp/nbf', ok: false, detail: 'no exp: it never expires' } : notChecked('exp/nbf', 'no exp');
  if (o.nowSec - o.toleranceSec >= exp) return { check: 'exp/nbf', ok: false, detail: `expired ${duration(o.nowSec - exp)} ago` };
  return { check: 'exp/nbf', ok: true, detail: `valid now; expires in ${duration(exp - o.nowSec)}` };
}

/** Algorithm, key, signature, issuer and times of a JWS against the issuer's JWKS. */
export async function checkSignature(token: string, header: Record<string, unknown>, claims: Record<string, unknown> | undefined, o: SignatureCheckOptions): Promise<Step[]> {
  const steps: Step[] = [];
  const alg = algorithmStep(header['alg'], o.algorithms);
  steps.push(alg);
  if (!alg.ok) return [...steps, notChecked('kid'), notChecked('signature')];
  const algName = header['alg'] as string;
  const { step, jwk } = findKey(header, algName, o.jwks.keys);
  steps.push(step);
  if (!jwk) return [...steps, notChecked('signature')];
  try {
    await compactVerify(token, await importJWK(jwk, algName), { algorithms: [algName] });
    steps.push({ check: 'signature', ok: true, detail: 'verifies with that key' });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const detail = code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' ? 'does not verify: the token was altered, or another key signed it' : `cannot be checked: ${(error as Error).message}`;
    steps.push({ check: 'signature', ok: false, detail });
    return steps;
  }
  if (o.issuer !== undefined) {
    const iss = claims?.['iss'];
    steps.push(iss === o.issuer ? { check: 'iss', ok: true, detail: 'is the issuer' } : { check: 'iss', ok: false, detail: `is ${typeof iss === 'string' ? iss : 'missing'}, not ${o.issuer}` });
  }
  steps.push(timeStep(claims, o));
  return steps;
}

/** A DPoP proof verifies with the key in its own header; its thumbprint is what a bound token names. */
export async function checkProof(token: string, header: Record<string, unknown>, claims: Record<string, unknown> | undefined, o: { algorithms: readonly string[]; nowSec: number; toleranceSec: number }): Promise<{ steps: Step[]; jkt?: string }> {
  const steps: Step[] = [];
  const alg = algorithmStep(header['alg'], o.algorithms);
  steps.push(alg);
  const jwk = header['jwk'];
  if (typeof jwk !== 'object' || jwk === null) return { steps: [...steps, { check: 'jwk', ok: false, detail: 'no jwk in the header' }] };
  const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].filter((m) => m in jwk);
  if (privateMembers.length > 0) steps.push({ check: 'jwk', ok: false, detail: 'the jwk holds a private key: it must hold only the public key' });
  const jkt = await calculateJwkThumbprint(jwk as JWK).catch(() => undefined);
  if (jkt && privateMembers.length === 0) steps.push({ check: 'jwk', ok: true, detail: `public key, thumbprint ${jkt} (a token bound to it has cnf.jkt = this)` });
  if (!alg.ok) return { steps: [...steps, notChecked('signature')], ...(jkt ? { jkt } : {}) };
  try {
    await compactVerify(token, EmbeddedJWK, { algorithms: [header['alg'] as string] });
    steps.push({ check: 'signature', ok: true, detail: 'verifies with the jwk in its header' });
  } catch {
    steps.push({ check: 'signature', ok: false, detail: 'does not verify with the jwk in its header' });
  }
  const iat = claims?.['iat'];
  if (typeof iat === 'number') {
    const age = o.nowSec - iat;
    const fresh = age <= 60 + o.toleranceSec && age >= -o.toleranceSec;
    steps.push({ check: 'iat', ok: fresh, detail: age >= 0 ? `made ${duration(age)} ago${fresh ? '' : ': older than APIs accept (about 60 s)'}` : `made ${duration(age)} in the future` });
  } else {
    steps.push({ check: 'iat', ok: false, detail: 'no iat' });
  }
  return { steps, ...(jkt ? { jkt } : {}) };
}
