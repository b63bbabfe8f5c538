import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, serveProcess, type ServeProcess } from './helpers/cli.js';
import { basic, postForm, TEST_SECRET } from './helpers/server.js';
import { authorizationFlow } from './helpers/browser-flow.js';
import type { RunningServer } from '../src/http/server.js';

const API = 'https://files.example.com';

describe('the lanekeeper CLI', () => {
  let dir: string;
  let env: Record<string, string>;
  let server: ServeProcess;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lk-cli-'));
    env = { LANEKEEPER_SECRET: TEST_SECRET, LANEKEEPER_DATABASE_URL: `sqlite:${join(dir, 'lk.db')}`, LANEKEEPER_LOG_LEVEL: 'warn' };
    const migrated = await runCli(['migrate', '--json'], env);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.ok((JSON.parse(migrated.stdout) as { applied: string[] }).applied.length > 0, 'a fresh database gets every migration');
    const again = await runCli(['migrate'], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /schema is up to date/);
    server = await serveProcess([], env);
  });
  after(async () => {
    await server.stop();
  });

  const cli = async (...args: string[]) => runCli(args, env);
  const json = async (...args: string[]) => {
    const r = await cli(...args, '--json');
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  };

  test('api add, list, show, remove', async () => {
    const added = await json('api', 'add', API, '--name', 'Files', '--scope', 'read:files=Read your files', '--scope', 'write:files=Change your files', '--format', 'opaque', '--client-id', 'files-api');
    assert.equal(added.identifier, API);
    assert.deepEqual(added.scopes, { 'read:files': 'Read your files', 'write:files': 'Change your files' });
    assert.match(added.client_secret, /^lk_as_/);
    const list = await json('api', 'list');
    assert.ok(list.some((a: { identifier: string }) => a.identifier === API));
    const human = await cli('api', 'list');
    assert.match(human.stdout, /IDENTIFIER\s+NAME/);
    assert.match(human.stdout, /files\.example\.com/);
    assert.equal((await json('api', 'show', API)).token_format, 'opaque');
    await json('api', 'add', 'https://tmp.example.com');
    assert.equal((await json('api', 'remove', 'https://tmp.example.com')).removed, 'https://tmp.example.com');
    const missing = await cli('api', 'show', 'https://tmp.example.com');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no API/);
  });

  test('client add shows a generated secret once, and it works at the token endpoint', async () => {
    await json('api', 'add', API, '--scope', 'read:files=Read your files', '--client-id', 'files-api');
    const added = await json('client', 'add', 'backup-job', '--name', 'Backups', '--grant', 'client_credentials', '--api', `${API}=read:files`);
    assert.match(added.client_secret, /^lk_cs_[A-Za-z0-9_-]{43}$/);
    const shown = await json('client', 'show', 'backup-job');
    assert.equal(shown.client_secret, undefined, 'never shown again');
    assert.deepEqual(shown.apis, { [API]: ['read:files'] });
    const res = await postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { authorization: basic('backup-job', added.client_secret) });
    assert.equal(res.status, 200, await res.clone().text());
    const db = readFileSync(join(dir, 'lk.db'));
    assert.ok(!db.includes(Buffer.from(added.client_secret)), 'the secret is not in the database');
  });

  test('rotate-secret: the old secret stops working within 5 seconds, the new one works', async () => {
    await json('api', 'add', API, '--scope', 'read:files=Read your files', '--client-id', 'files-api');
    const { client_secret: oldSecret } = await json('client', 'add', 'rotating-job', '--grant', 'client_credentials', '--api', `${API}=read:files`);
    assert.equal((await postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { authorization: basic('rotating-job', oldSecret) })).status, 200);
    const { client_secret: newSecret } = await json('client', 'rotate-secret', 'rotating-job');
    assert.notEqual(newSecret, oldSecret);
    await new Promise((r) => setTimeout(r, 5000));
    assert.equal((await postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { authorization: basic('rotating-job', oldSecret) })).status, 401);
    assert.equal((await postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { authorization: basic('rotating-job', newSecret) })).status, 200);
  });

  test('client list and remove', async () => {
    await json('api', 'add', API, '--scope', 'read:files=Read your files', '--client-id', 'files-api');
    await json('client', 'add', 'short-lived', '--grant', 'client_credentials', '--api', `${API}=read:files`);
    const human = await cli('client', 'list');
    assert.match(human.stdout, /short-lived/);
    assert.equal((await json('client', 'remove', 'short-lived')).removed, 'short-lived');
    assert.equal((await cli('client', 'remove', 'short-lived')).code, 1);
  });

  test('bad input exits 2 with a message naming the problem', async () => {
    const badFormat = await cli('api', 'add', 'https://x.example.com', '--format', 'paper');
    assert.equal(badFormat.code, 2);
    assert.match(badFormat.stderr, /token_format/);
    const reserved = await cli('client', 'add', 'lk_usr_evil', '--grant', 'client_credentials');
    assert.equal(reserved.code, 2);
    assert.match(reserved.stderr, /reserved/);
    const unknownApi = await cli('client', 'add', 'x', '--api', 'https://nope.example.com=read');
    assert.equal(unknownApi.code, 2);
    const unknownCommand = await cli('frobnicate');
    assert.equal(unknownCommand.code, 2);
    const clash = await cli('client', 'add', 'files-api', '--grant', 'client_credentials');
    assert.equal(clash.code, 2, 'a client id may not equal an API client_id');
  });

  test('user add reads the password from stdin; the user can then sign in to an app added by the CLI', async () => {
    await json('api', 'add', API, '--scope', 'read:files=Read your files', '--client-id', 'files-api');
    const added = await runCli(['user', 'add', 'dana@example.com', '--name', 'Dana', '--permission', `${API}=read:files`, '--password-stdin', '--json'], env, 'dana-password-123\n');
    assert.equal(added.code, 0, added.stderr);
    const user = JSON.parse(added.stdout);
    assert.match(user.sub, /^lk_usr_/);
    assert.equal(user.has_password, true);
    assert.ok(!added.stdout.includes('dana-password-123'));
    const web = await json('client', 'add', 'files-web', '--grant', 'authorization_code', '--redirect-uri', 'https://files-app.example.com/cb', '--api', `${API}=read:files`);
    const flow = await authorizationFlow({ issuer: server.url, url: server.url } as RunningServer, {
      clientId: 'files-web', redirectUri: 'https://files-app.example.com/cb', scope: 'openid read:files', resource: API, login: { email: 'Dana@Example.com', password: 'dana-password-123' }, consent: 'allow',
    });
    const res = await postForm(`${server.url}/token`, { grant_type: 'authorization_code', code: flow.code!, code_verifier: flow.verifier, redirect_uri: 'https://files-app.example.com/cb' }, { authorization: basic('files-web', web.client_secret) });
    assert.equal(res.status, 200);
    const human = await cli('user', 'list');
    assert.match(human.stdout, /dana@example\.com/);
  });

  test('user set-password and remove', async () => {
    await runCli(['user', 'add', 'erin@example.com', '--password-stdin'], env, 'erin-password-1\n');
    const noFlag = await cli('user', 'set-password', 'erin@example.com');
    assert.equal(noFlag.code, 2, 'no terminal and no --password-stdin: refuses rather than reading a flag');
    const changed = await runCli(['user', 'set-password', 'erin@example.com', '--password-stdin'], env, 'erin-password-2\n');
    assert.equal(changed.code, 0, changed.stderr);
    const short = await runCli(['user', 'set-password', 'erin@example.com', '--password-stdin'], env, 'short\n');
    assert.equal(short.code, 2);
    assert.match(short.stderr, /at least 8/);
    assert.equal((await json('user', 'remove', 'erin@example.com')).removed, 'erin@example.com');
    assert.equal((await cli('user', 'show', 'erin@example.com')).code, 1);
  });

  test('key list shows next and current keys per algorithm', async () => {
    const keys = await json('key', 'list');
    for (const alg of ['RS256', 'ES256', 'EdDSA']) {
      assert.equal(keys.filter((k: { alg: string; state: string }) => k.alg === alg && k.state === 'current').length, 1);
      assert.equal(keys.filter((k: { alg: string; state: string }) => k.alg === alg && k.state === 'next').length, 1);
    }
    const human = await cli('key', 'list');
    assert.match(human.stdout, /KID\s+ALG\s+STATE/);
  });

  test('init writes a starter config and prepares the database', async () => {
    const initDir = mkdtempSync(join(tmpdir(), 'lk-init-'));
    const file = join(initDir, 'lanekeeper.json');
    const r = await runCli(['init', '--file', file], { LANEKEEPER_SECRET: TEST_SECRET });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(file));
    assert.ok(existsSync(join(initDir, '.lanekeeper', 'lanekeeper.db')));
    const again = await runCli(['init', '--file', file], { LANEKEEPER_SECRET: TEST_SECRET });
    assert.equal(again.code, 2, 'refuses to overwrite');
    writeFileSync(file, readFileSync(file));
  });
});
