/**
 * Foreign mode's plan: the given tokens, and the issuer's public JWKS for the HS256
 * confusion (read from the issuer the access token names, or `--issuer`).
 */
import { foreignCases } from './probe-cases.js';
import type { ProbePlan } from './probe.js';
import type { Target } from './probe-http.js';
import { loadIssuer } from './issuer.js';
import { decodeJwt } from './probe-tokens.js';
import { duration } from './times.js';

function httpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? value : undefined;
  } catch {
    return undefined;
  }
}

export async function foreignPlan(o: { target: Target; accessToken: string; idToken?: string | undefined; issuer?: string | undefined }): Promise<ProbePlan> {
  const jwt = decodeJwt(o.accessToken);
  const issuer = o.issuer ?? httpUrl(jwt?.claims['iss']);
  const notes: string[] = [];
  let jwks;
  let jwksProblem: string | undefined;
  if (jwt && issuer) {
    const loaded = await loadIssuer(issuer, { fetch: o.target.fetch, timeoutMs: o.target.timeoutMs, jwks: true });
    jwks = loaded.jwks;
    const failed = loaded.steps.find((s) => s.ok === false);
    if (failed) jwksProblem = `the issuer's JWKS could not be read (${failed.check}: ${failed.detail})`;
    notes.push(jwks ? `read the issuer's public metadata and JWKS (${jwks.keys.length} key${jwks.keys.length === 1 ? '' : 's'}) for the HS256 probe` : jwksProblem ?? 'no JWKS');
  } else if (jwt) {
    jwksProblem = 'the access token names no issuer (iss) whose JWKS to read: give --issuer URL';
  }
  const exp = jwt?.claims['exp'];
  const nowSec = Math.floor(Date.now() / 1000);
  const controlHint = typeof exp === 'number' && exp <= nowSec ? `the given access token expired ${duration(nowSec - exp)} ago; get a fresh one` : undefined;
  return {
    mode: 'foreign',
    controlHint,
    target: o.target,
    api: null,
    issuer: issuer ?? null,
    cases: foreignCases({ accessToken: o.accessToken, idToken: o.idToken, jwks, jwksProblem }),
    notes,
  };
}
