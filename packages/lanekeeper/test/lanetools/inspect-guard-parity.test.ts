// `lanekeeper inspect --audience --online` and the guard, over the same tokens: every
// token-level case of the guard's refusal suite (packages/guard/test/guard.test.ts:
// signature, alg, kid, typ, iss, aud, exp/nbf/iat, required claims, scopes, ID tokens and the
// other lanes, introspected opaque tokens). Transport cases (query string, body, two headers)
// and DPoP proof checks are the request's, not the token's, and are left out; a DPoP-bound
// token is given to the guard with a valid proof. The two must agree on accept/refuse and,
// for a refusal, on the status, error code and exact description.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CompactEncrypt, SignJWT, generateKeyPair } from 'jose';
import { createGuard, GuardError, type Guard } from '@lanekeeper/guard';
import { TestIssuer, tamper, unsignedToken } from '../../../guard/test/helpers/issuer.js';
import { dpopKey, dpopProof } from '../../../guard/test/helpers/dpop.js';
import { runCli } from '../helpers/cli.js';
import { inspect } from '../../src/lanetools/inspect.js';
import type { Verdict } from '../../src/lanetools/verdict.js';

const AUDIENCE = 'https://calendar.example.com';
const API_URL = 'http://api.test/calendar';
const API_CLIENT = { id: 'calendar-api', secret: 'calendar-api-secret' };

interface Outcome {
  accept: boolean;
  status?: number | null;
  error?: string | null;
  description?: string;
}

interface Case {
  name: string;
  token: string;
  scopes?: string[];
  /** The API's algorithm allow-list, when not the default. */
  algorithms?: string[];
  /** A proof to send with the DPoP scheme (for a bound token). */
  dpop?: string;
}

async function guardOutcome(guard: Guard, c: Case): Promise<Outcome> {
  const headers = new Headers({ authorization: `${c.dpop ? 'DPoP' : 'Bearer'} ${c.token}` });
  if (c.dpop) headers.set('dpop', c.dpop);
  try {
    await guard.verify(new Request(API_URL, { headers }), { scopes: c.scopes });
    return { accept: true };
  } catch (error) {
    if (!(error instanceof GuardError)) throw error;
    return { accept: false, status: error.status, error: error.code ?? null, description: error.description };
  }
}

function outcomeOf(verdict: Verdict | null, name: string): Outcome {
  assert.ok(verdict, `${name}: a verdict`);
  assert.ok(['accepted', 'refused'].includes(verdict.status), `${name}: verdict ${verdict.status}: ${verdict.description}`);
  if (verdict.status === 'accepted') return { accept: true };
  return { accept: false, status: verdict.http_status, error: verdict.error, description: verdict.description };
}

/** What `inspect` answers, run in this process (the command is a thin wrapper around it). */
async function inspectOutcome(issuer: TestIssuer, c: Case): Promise<Outcome> {
  const report = await inspect(c.token, {
    online: true,
    issuer: issuer.url,
    audience: AUDIENCE,
    scopes: c.scopes ?? [],
    algorithms: c.algorithms,
    clientId: API_CLIENT.id,
    clientSecret: API_CLIENT.secret,
  });
  assert.equal(report.exit_code, report.verdict?.status === 'accepted' ? 0 : 1, `${c.name}: exit code follows the verdict`);
  return outcomeOf(report.verdict, c.name);
}

/** What the `lanekeeper inspect` command prints with --json, token on standard input. */
async function cliOutcome(issuer: TestIssuer, c: Case): Promise<Outcome> {
  const args = ['inspect', '--json', '--online', '--issuer', issuer.url, '--audience', AUDIENCE, '--client-id', API_CLIENT.id, '--client-secret', API_CLIENT.secret];
  for (const scope of c.scopes ?? []) args.push('--scope', scope);
  for (const alg of c.algorithms ?? []) args.push('--alg', alg);
  const run = await runCli([...args, '-'], {}, c.token);
  const report = JSON.parse(run.stdout) as { verdict: Verdict | null };
  assert.equal(run.code, report.verdict?.status === 'accepted' ? 0 : 1, `${c.name}: exit code (${run.stderr})`);
  return outcomeOf(report.verdict, c.name);
}

/** Runs `fn` over `items`, `limit` at a time. */
async function inBatches<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += limit) out.push(...(await Promise.all(items.slice(i, i + limit).map(fn))));
  return out;
}

describe('inspect --audience --online gives the guard\'s verdict on every token-level case', { timeout: 60_000 }, () => {
  let issuer: TestIssuer;
  const cases: Case[] = [];

  before(async () => {
    issuer = await TestIssuer.start({ apiClient: API_CLIENT });
    const now = Math.floor(Date.now() / 1000);
    const at = (options: Parameters<TestIssuer['accessToken']>[1] = {}) => issuer.accessToken(AUDIENCE, options);
    const ps = await issuer.addKey('PS256', issuer.key.kid);
    const stranger = await issuer.addKey('RS256');
    const pem = await issuer.publicKeyPem();
    const hs256 = await new SignJWT({ iss: issuer.url, aud: AUDIENCE, sub: 'admin', client_id: 'x', exp: now + 600, iat: now })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: issuer.key.kid })
      .sign(new TextEncoder().encode(pem));
    const { publicKey: encryptionKey } = await generateKeyPair('RSA-OAEP-256');
    const jwe = await new CompactEncrypt(new TextEncoder().encode('{}')).setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT' }).encrypt(encryptionKey);
    const key = await dpopKey();
    const bound = await at({ claims: { cnf: { jkt: key.jkt } } });

    issuer.registerOpaque('opaque-active-token-0123456789', { active: true, iss: issuer.url, sub: 'user_7Hq2', client_id: 'todo-web', aud: AUDIENCE, scope: 'read:calendar', exp: now + 600 });
    issuer.registerOpaque('opaque-other-api-token-0123456', { active: true, iss: issuer.url, sub: 'user_7Hq2', client_id: 'todo-web', aud: 'https://mail.example.com', exp: now + 600 });
    issuer.registerOpaque('opaque-refresh-type-0123456789', { active: true, token_type: 'refresh_token', sub: 'user_7Hq2', client_id: 'todo-web', aud: AUDIENCE });

    cases.push(
      { name: 'a valid access token', token: await at() },
      { name: 'typ application/at+jwt', token: await at({ header: { typ: 'application/at+jwt' } }) },
      { name: 'an ID token', token: await issuer.idToken() },
      { name: 'an ID token whose aud is the API', token: await issuer.idToken({ claims: { aud: AUDIENCE } }) },
      { name: 'a JWT typed JWT that carries scopes', token: await at({ header: { typ: 'JWT' } }) },
      { name: 'an access token for another API', token: await issuer.accessToken('https://mail.example.com') },
      { name: 'an aud list that holds the API', token: await at({ claims: { aud: ['https://mail.example.com', AUDIENCE] } }) },
      { name: 'an expired token', token: await at({ claims: { iat: now - 700, exp: now - 60 } }) },
      { name: 'expired within the clock tolerance', token: await at({ claims: { exp: now - 2 } }) },
      { name: 'nbf in the future', token: await at({ claims: { nbf: now + 120 } }) },
      { name: 'iat in the future', token: await at({ claims: { iat: now + 120 } }) },
      { name: 'no exp', token: await at({ omit: ['exp'] }) },
      { name: 'no sub', token: await at({ omit: ['sub'] }) },
      { name: 'no client_id', token: await at({ omit: ['client_id'] }) },
      { name: 'an exp of the wrong type', token: await at({ claims: { exp: 'soon' } }) },
      { name: 'another issuer, a known key', token: await at({ claims: { iss: 'https://evil.example.com' } }) },
      { name: 'the issuer with a trailing slash', token: await at({ claims: { iss: `${issuer.url}/` } }) },
      { name: 'alg none', token: unsignedToken({ iss: issuer.url, aud: AUDIENCE, sub: 'admin', client_id: 'x', exp: now + 600, iat: now }) },
      { name: 'HS256 keyed with the public key', token: hs256 },
      { name: 'an alg outside the allow-list', token: await at(), algorithms: ['ES256'] },
      { name: 'an alg that does not fit the key its kid names', token: await at({ key: ps }) },
      { name: 'a key the issuer does not publish', token: await at({ key: stranger }) },
      { name: 'an altered payload', token: tamper(await at(), (claims) => void (claims['scope'] = 'admin')) },
      { name: 'the scopes it needs', token: await at(), scopes: ['read:calendar'] },
      { name: 'too few scopes', token: await at({ claims: { scope: 'read:calendar' } }), scopes: ['read:calendar', 'write:calendar'] },
      { name: 'no scope at all', token: await at({ omit: ['scope'] }), scopes: ['read:calendar'] },
      { name: 'a refresh token', token: 'lk_rt_Qm9yZWQgYnkgdGhpcyB0ZXN0IGFscmVhZHk' },
      { name: 'an authorization code', token: 'lk_code_SplxlOBeZQQYbYS6WxSbIA' },
      { name: 'not a token', token: 'not-a.jwt.atall' },
      { name: 'a logout token', token: await issuer.sign({ iss: issuer.url, aud: 'todo-web', events: { 'http://schemas.openid.net/event/backchannel-logout': {} } }, { typ: 'logout+jwt' }) },
      { name: 'a DPoP proof', token: await issuer.sign({ htm: 'GET', htu: API_URL, jti: 'x', iat: 1 }, { typ: 'dpop+jwt' }) },
      { name: 'a JWE', token: jwe },
      { name: 'a DPoP-bound token (the guard gets a valid proof)', token: bound, dpop: await dpopProof(key, { htm: 'GET', htu: API_URL, token: bound }) },
      { name: 'an active opaque token', token: 'opaque-active-token-0123456789', scopes: ['read:calendar'] },
      { name: 'an opaque token for another API', token: 'opaque-other-api-token-0123456' },
      { name: 'an opaque token the issuer says is a refresh token', token: 'opaque-refresh-type-0123456789' },
      { name: 'an opaque token the issuer does not know', token: 'lk_at_bm90LWtub3duLXRvLXRoZS1pc3N1ZXI' },
    );
  });
  after(() => issuer.close());

  const guardFor = (c: Case) =>
    createGuard({ issuer: issuer.url, audience: AUDIENCE, introspection: { clientId: API_CLIENT.id, clientSecret: API_CLIENT.secret }, ...(c.algorithms ? { algorithms: c.algorithms } : {}) });

  test('both give the same answer, description included, for each token', async () => {
    const outcomes = await inBatches(cases, 8, async (c) => ({ c, guard: await guardOutcome(guardFor(c), c), inspect: await inspectOutcome(issuer, c) }));
    for (const { c, guard, inspect } of outcomes) assert.deepEqual(inspect, guard, c.name);
    // The comparison is worth something only if it holds both answers.
    const refusals = outcomes.filter((o) => !o.guard.accept);
    assert.ok(refusals.length >= 25, `${refusals.length} refusals`);
    assert.ok(outcomes.filter((o) => o.guard.accept).length >= 5);
    assert.ok(refusals.some((o) => o.guard.status === 403), 'a scope refusal');
  });

  test('the command prints the same verdict with --json and exits 0 or 1 by it', async () => {
    const names = ['a valid access token', 'an ID token', 'too few scopes'];
    const chosen = cases.filter((c) => names.includes(c.name));
    assert.equal(chosen.length, names.length);
    const outcomes = await Promise.all(chosen.map(async (c) => ({ c, guard: await guardOutcome(guardFor(c), c), cli: await cliOutcome(issuer, c) })));
    for (const { c, guard, cli } of outcomes) assert.deepEqual(cli, guard, c.name);
  });
});
