// `lanekeeper inspect` as a user runs it: where the token comes from, what is never printed,
// exit codes, and the --json document's shape. Offline: no issuer is contacted.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { SignJWT, generateKeyPair, type CryptoKey } from 'jose';
import { CLI, runCli } from '../helpers/cli.js';

const AUDIENCE = 'https://calendar.example.com';
const ISSUER = 'https://id.example.org';

/** The CLI with its standard input a pipe we write into, as `cat token | lanekeeper inspect` would. */
function pipeInto(args: string[], input: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout }));
    child.stdin.end(input);
  });
}

describe('lanekeeper inspect (command line)', { timeout: 60_000 }, () => {
  let key: CryptoKey;
  let idToken: string;
  let accessToken: string;
  let expired: string;
  let dir: string;
  const now = Math.floor(Date.now() / 1000);

  before(async () => {
    ({ privateKey: key } = await generateKeyPair('ES256'));
    const sign = (claims: Record<string, unknown>, typ: string) => new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1', typ }).sign(key);
    idToken = await sign({ iss: ISSUER, sub: 'user-1', aud: 'todo-web', nonce: 'n1', auth_time: now - 60, iat: now, exp: now + 3600 }, 'JWT');
    const access = { iss: ISSUER, sub: 'user-1', aud: AUDIENCE, client_id: 'todo-web', scope: 'read:calendar', jti: 'j1', iat: now, exp: now + 600 };
    accessToken = await sign(access, 'at+jwt');
    expired = await sign({ ...access, iat: now - 7200, exp: now - 3600 }, 'at+jwt');
    dir = mkdtempSync(join(tmpdir(), 'lk-inspect-'));
    writeFileSync(join(dir, 'token.txt'), `${idToken}\n`);
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('reads the token from an argument, from - (stdin), from a pipe, and from --file, alike', async () => {
    const runs = await Promise.all([
      runCli(['inspect', '--json', idToken]),
      runCli(['inspect', '--json', '-'], {}, `  Bearer ${idToken}\n`),
      pipeInto(['inspect', '--json'], idToken),
      runCli(['inspect', '--json', '--file', join(dir, 'token.txt')]),
    ]);
    for (const run of runs) {
      assert.equal(run.code, 0);
      const report = JSON.parse(run.stdout) as { lane: { kind: string }; token: { length: number } };
      assert.equal(report.lane.kind, 'id_token');
      assert.equal(report.token.length, idToken.length);
    }
    assert.deepEqual((JSON.parse(runs[1]!.stdout) as { token: { removed: string[] } }).token.removed, ['the Bearer scheme']);
    assert.ok(!runs[0]!.stdout.includes(idToken.split('.')[2]!.slice(-20)), 'the JSON holds no part of the signature');
  });

  test('never prints the whole token unless --show-token is given', async () => {
    const signature = idToken.split('.')[2] ?? '';
    const [human, shown] = await Promise.all([runCli(['inspect', '--online', '--issuer', 'http://127.0.0.1:9', idToken]), runCli(['inspect', '--show-token', idToken])]);
    assert.ok(!human.stdout.includes(signature.slice(-20)), 'no part of the signature');
    assert.ok(!human.stdout.includes(idToken.slice(0, 60)), 'not even the start of the token beyond the preview');
    assert.equal(human.code, 1, 'asked to verify, and the issuer cannot be reached');
    assert.match(human.stdout, /✗ discovery/);
    assert.match(human.stdout, /--show-token prints it whole/);
    assert.ok(shown.stdout.includes(idToken), '--show-token prints it');
  });

  test('without a key at hand, judges everything but the signature, and says so', async () => {
    const [fine, old] = await Promise.all([
      runCli(['inspect', '--audience', AUDIENCE, '--scope', 'read:calendar', accessToken]),
      runCli(['inspect', '--json', '--audience', AUDIENCE, expired]),
    ]);
    assert.equal(fine.code, 0);
    assert.match(fine.stdout, /^Verdict\s+NOT REFUSED \(signature not checked\)$/m);
    assert.match(fine.stdout, /add --online/);
    assert.equal(old.code, 1);
    const verdict = (JSON.parse(old.stdout) as { verdict: { status: string; description: string; verified: boolean } }).verdict;
    assert.deepEqual([verdict.status, verdict.description, verdict.verified], ['refused', 'the access token has expired; get a new one', false]);
  });

  test('answers usage errors with exit code 2 and one line on stderr', async () => {
    const runs = await Promise.all([
      runCli(['inspect', '--scope', 'read:calendar', idToken]),
      runCli(['inspect', idToken, '--file', join(dir, 'token.txt')]),
      runCli(['inspect', '-'], {}, '   \n'),
      runCli(['inspect', '--alg', 'HS256', idToken]),
    ]);
    for (const run of runs) {
      assert.equal(run.code, 2, run.stderr);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /^lanekeeper: .+\n$/);
    }
  });

  test('prints the documented --json document', async () => {
    const run = await runCli(['inspect', '--json', '--audience', AUDIENCE, accessToken]);
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(report), ['lanekeeper_inspect', 'token', 'lane', 'shape', 'header', 'claims', 'claims_source', 'verification', 'verdict', 'exit_code']);
    assert.equal(report['lanekeeper_inspect'], 1);
    assert.deepEqual(Object.keys(report['lane'] as object), ['kind', 'guard_kind', 'label', 'certainty', 'summary', 'evidence', 'dpop_bound']);
    assert.deepEqual(Object.keys(report['verdict'] as object), ['audience', 'issuer', 'scopes', 'status', 'verified', 'http_status', 'error', 'description', 'www_authenticate', 'dpop_jkt']);
    const exp = (report['claims'] as Array<{ name: string; time?: { utc: string; relative: string } }>).find((c) => c.name === 'exp');
    assert.match(exp?.time?.utc ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    assert.match(exp?.time?.relative ?? '', /^expires in (10 min|\d+ s)$/);
  });
});
