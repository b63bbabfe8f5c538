import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, ConfigError } from '../src/config/load.js';
import { runCli } from './helpers/cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'lk-config-'));

describe('configuration', () => {
  test('with no config at all: issuer from the bound port, SQLite in ./.lanekeeper, a generated secret kept there', () => {
    const cwd = tmp();
    const config = loadConfig({ env: {}, cwd });
    assert.equal(config.issuer, undefined);
    assert.equal(config.port, 3000);
    assert.equal(config.database, `sqlite:${join(cwd, '.lanekeeper', 'lanekeeper.db')}`);
    const secretFile = join(cwd, '.lanekeeper', 'secret');
    assert.ok(existsSync(secretFile));
    assert.equal(statSync(secretFile).mode & 0o777, 0o600);
    assert.equal(readFileSync(secretFile, 'utf8').trim(), config.secret);
    assert.match(config.warnings.join(' '), /deployment secret/);
    assert.equal(loadConfig({ env: {}, cwd }).secret, config.secret, 'the generated secret is reused');
  });

  test('environment overrides the file', () => {
    const dir = tmp();
    const file = join(dir, 'lk.json');
    writeFileSync(file, JSON.stringify({ issuer: 'http://127.0.0.1:4100', port: 4100, database: 'sqlite:./data/lk.db' }));
    const fromFile = loadConfig({ file, env: { LANEKEEPER_SECRET: 'x'.repeat(32) }, cwd: dir });
    assert.equal(fromFile.issuer, 'http://127.0.0.1:4100');
    assert.equal(fromFile.database, `sqlite:${join(dir, 'data', 'lk.db')}`, 'paths in a file are relative to the file');
    const env = loadConfig({ file, env: { LANEKEEPER_SECRET: 'x'.repeat(32), LANEKEEPER_ISSUER: 'https://id.example.com/', PORT: '5000', LANEKEEPER_DATABASE_URL: 'postgres://db/lk' }, cwd: dir });
    assert.equal(env.issuer, 'https://id.example.com');
    assert.equal(env.port, 5000);
    assert.equal(env.database, 'postgres://db/lk');
  });

  test('an invalid field is one clear message naming it', () => {
    const dir = tmp();
    const file = join(dir, 'lk.json');
    writeFileSync(file, JSON.stringify({ apis: [{ identifier: 'https://a.example.com', token_format: 'paper' }] }));
    assert.throws(() => loadConfig({ file, env: { LANEKEEPER_SECRET: 'x'.repeat(32) } }), (err: Error) => err instanceof ConfigError && /apis\[0\]\.token_format/.test(err.message));
    writeFileSync(file, JSON.stringify({ clinets: [] }));
    assert.throws(() => loadConfig({ file, env: { LANEKEEPER_SECRET: 'x'.repeat(32) } }), /clinets/);
    writeFileSync(file, '{ not json');
    assert.throws(() => loadConfig({ file, env: {} }), /not valid JSON/);
  });

  test('NODE_ENV=production refuses to start without an https issuer and a secret', () => {
    const cwd = tmp();
    assert.throws(() => loadConfig({ env: { NODE_ENV: 'production', LANEKEEPER_SECRET: 'x'.repeat(32) }, cwd }), /https issuer/);
    assert.throws(() => loadConfig({ env: { NODE_ENV: 'production', LANEKEEPER_SECRET: 'x'.repeat(32), LANEKEEPER_ISSUER: 'http://id.example.com' }, cwd }), /https issuer/);
    assert.throws(() => loadConfig({ env: { NODE_ENV: 'production', LANEKEEPER_ISSUER: 'https://id.example.com' }, cwd }), /secret/);
    const ok = loadConfig({ env: { NODE_ENV: 'production', LANEKEEPER_SECRET: 'x'.repeat(32), LANEKEEPER_ISSUER: 'https://id.example.com' }, cwd });
    assert.equal(ok.issuer, 'https://id.example.com');
    assert.ok(!existsSync(join(cwd, '.lanekeeper', 'secret')), 'no generated secret in production');
  });

  test('serve with an invalid config exits 2 with one line and no stack trace', async () => {
    const dir = tmp();
    const file = join(dir, 'lk.json');
    writeFileSync(file, JSON.stringify({ clients: [{ client_id: 'a', grant_types: ['implicit'] }] }));
    const result = await runCli(['serve', '--config', file], { LANEKEEPER_SECRET: 'x'.repeat(32) });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /clients\[0\]\.grant_types/);
    assert.ok(!/\n\s+at /.test(result.stderr), 'no stack trace');
    assert.equal(result.stderr.trim().split('\n').length, 1);
  });

  test('serve with NODE_ENV=production and no https issuer or no secret exits 2 naming what is missing', async () => {
    const dataDir = tmp();
    const noIssuer = await runCli(['serve'], { NODE_ENV: 'production', LANEKEEPER_SECRET: 'x'.repeat(32), LANEKEEPER_DATA_DIR: dataDir, PORT: '0' });
    assert.equal(noIssuer.code, 2, noIssuer.stdout + noIssuer.stderr);
    assert.match(noIssuer.stderr, /https issuer/);
    assert.ok(!/\n\s+at /.test(noIssuer.stderr), 'no stack trace');
    const httpIssuer = await runCli(['serve'], { NODE_ENV: 'production', LANEKEEPER_SECRET: 'x'.repeat(32), LANEKEEPER_ISSUER: 'http://id.example.com', LANEKEEPER_DATA_DIR: dataDir, PORT: '0' });
    assert.equal(httpIssuer.code, 2);
    assert.match(httpIssuer.stderr, /https issuer/);
    const noSecret = await runCli(['serve'], { NODE_ENV: 'production', LANEKEEPER_ISSUER: 'https://id.example.com', LANEKEEPER_DATA_DIR: dataDir, PORT: '0' });
    assert.equal(noSecret.code, 2);
    assert.match(noSecret.stderr, /secret/);
    assert.ok(!existsSync(join(dataDir, 'secret')), 'no secret was generated');
  });

  test('a client that refers to an undeclared API is refused at start with exit code 2', async () => {
    const dir = tmp();
    const file = join(dir, 'lk.json');
    writeFileSync(file, JSON.stringify({ database: 'sqlite:./lk.db', clients: [{ client_id: 'a', client_secret: 's'.repeat(20), apis: { 'https://nope.example.com': ['x'] } }] }));
    const result = await runCli(['serve', '--config', file], { LANEKEEPER_SECRET: 'x'.repeat(32), PORT: '0' });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown API "https:\/\/nope.example.com"/);
  });
});
