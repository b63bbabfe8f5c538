// `lanekeeper probe` as a CI pipeline runs it: exit codes, --json, --junit, @FILE tokens,
// usage errors, and a --help that states the bounds.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import type { ProbeReport } from '../../src/lanetools/probe.js';
import { startScenario, type Scenario } from './helpers/scenario.js';

describe('lanekeeper probe (command line)', { timeout: 60_000 }, () => {
  let scenario: Scenario;
  let dir: string;
  const api = (name: string) => scenario.apis.get(name)?.url ?? '';
  const operator = (url: string, extra: string[] = []) =>
    runCli(['probe', '--config', scenario.stack.configFile, '--api', scenario.stack.apiUrl, '--issuer', scenario.stack.issuer, '--url', url, '--scope', scenario.scope, ...extra], scenario.env);

  before(async () => {
    scenario = await startScenario();
    dir = mkdtempSync(join(tmpdir(), 'lk-probe-'));
    writeFileSync(join(dir, 'at.txt'), `${scenario.tokens.accessToken}\n`);
    writeFileSync(join(dir, 'id.txt'), scenario.tokens.idToken);
  });
  after(async () => {
    await scenario?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('reports the calendar API clean with exit code 0, as text and as JSON', async () => {
    const [human, json] = await Promise.all([operator(scenario.calendarUrl), operator(scenario.calendarUrl, ['--json'])]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^CLEAN\s+the API refused every token it must refuse$/m);
    assert.equal(json.code, 0);
    const report = JSON.parse(json.stdout) as ProbeReport;
    assert.equal(report.summary.accepted, 0);
    assert.equal(report.mode, 'operator');
    assert.ok(!json.stdout.includes(scenario.tokens.accessToken.slice(0, 40)), 'no token in the report');
  });

  test('exits 1 for a vulnerable API and writes a JUnit report whose failure is the accepted probe', async () => {
    const junit = join(dir, 'probe.xml');
    const run = await operator(api('ignores-exp'), ['--junit', junit]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /^\s+ACCEPTED\s+high\s+expired\s/m);
    assert.match(run.stdout, /fix: check exp/);
    assert.match(run.stdout, /^VULNERABLE\s+the API accepted 1 token it must refuse$/m);
    const xml = readFileSync(junit, 'utf8');
    assert.match(xml, /<testsuites name="lanekeeper probe" tests="15" failures="1" errors="0" skipped="0">/);
    assert.match(xml, /<testcase classname="lanekeeper.probe" name="expired: expired 1 h ago">\s*<failure type="high"/);
  });

  test('foreign mode takes the tokens from @FILE and finds alg none and the HS256 confusion', async () => {
    const run = await runCli(['probe', '--json', '--url', api('trusts-header-alg'), '--access-token', `@${join(dir, 'at.txt')}`, '--id-token', `@${join(dir, 'id.txt')}`]);
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as ProbeReport;
    assert.equal(report.mode, 'foreign');
    assert.deepEqual(report.results.filter((r) => r.verdict === 'accepted').map((r) => r.id), ['alg-none', 'hs256-public-key']);
    assert.ok(report.requests_sent <= report.max_requests);
  });

  test('answers usage errors with exit code 2', async () => {
    const runs = await Promise.all([
      runCli(['probe', '--api', 'x']),
      runCli(['probe', '--url', scenario.calendarUrl, '--api', 'x', '--access-token', 'y']),
      runCli(['probe', '--config', scenario.stack.configFile, '--api', 'https://no-such-api.example.com', '--issuer', scenario.stack.issuer, '--url', scenario.calendarUrl], scenario.env),
    ]);
    for (const run of runs) {
      assert.equal(run.code, 2, `${run.stdout}${run.stderr}`);
      assert.match(run.stderr, /^lanekeeper: /);
    }
    assert.match(runs[2]!.stderr, /no API https:\/\/no-such-api\.example\.com/);
  });

  test('--help says it probes only the given URL, with a bounded number of requests', async () => {
    const run = await runCli(['probe', '--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /ONLY to --url/);
    assert.match(run.stdout, /at most 15 in all/);
  });
});
