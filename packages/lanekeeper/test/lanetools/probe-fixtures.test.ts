// probe against the deliberately vulnerable APIs and the reference scenario's calendar API:
// each fixture declares exactly which probes it accepts, and probe must report that set,
// nothing more; the calendar API (Fastify + @lanekeeper/guard) must come out clean.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { operatorCases } from '../../src/lanetools/probe-cases.js';
import { openDeployment, type OpenDeployment } from '../../src/lanetools/probe-deployment.js';
import { foreignPlan } from '../../src/lanetools/probe-foreign.js';
import { runProbe, type ProbeReport } from '../../src/lanetools/probe.js';
import type { Target } from '../../src/lanetools/probe-http.js';
import { VULNERABLE_APIS } from '../fixtures/vulnerable-apis/index.js';
import { startScenario, type Scenario } from './helpers/scenario.js';

function target(url: string): Target {
  return { url, method: 'GET', headers: [], timeoutMs: 5000, fetch: (input, init) => fetch(input, init) };
}

const accepted = (report: ProbeReport) => report.results.filter((r) => r.verdict === 'accepted').map((r) => r.id).sort();
const unjudged = (report: ProbeReport) => report.results.filter((r) => r.verdict === 'inconclusive' || r.verdict === 'skipped').map((r) => `${r.id}: ${r.reason}`);

let scenario: Scenario;
before(async () => {
  scenario = await startScenario();
});
after(async () => {
  await scenario?.close();
});

describe('probe, operator mode (tokens minted with the deployment keys)', { timeout: 60_000 }, () => {
  let opened: OpenDeployment;
  const probe = async (url: string, scopes = [scenario.scope]) =>
    runProbe({ mode: 'operator', target: target(url), api: opened.deployment.api.identifier, issuer: opened.deployment.issuer, cases: await operatorCases(opened.deployment, scopes) });

  before(async () => {
    opened = await openDeployment({ configFile: scenario.stack.configFile, api: scenario.stack.apiUrl, issuer: scenario.stack.issuer, env: { ...process.env, ...scenario.env } });
  });
  after(async () => {
    await opened?.close();
  });

  test('reports the calendar API of the reference scenario as clean: every probe refused', async () => {
    const report = await probe(scenario.calendarUrl);
    assert.deepEqual(accepted(report), []);
    assert.deepEqual(unjudged(report), []);
    assert.equal(report.results.find((r) => r.id === 'control')?.verdict, 'control_ok');
    assert.equal(report.exit_code, 0);
    assert.equal(report.requests_sent, 15);
    // The guard's own words come back in the challenge.
    const idToken = report.results.find((r) => r.id === 'id-token');
    assert.match(idToken?.response?.error_description ?? '', /this is an ID token/);
    assert.equal(report.results.find((r) => r.id === 'query-string')?.response?.error, 'invalid_request');
  });

  for (const fixture of VULNERABLE_APIS) {
    test(`reports exactly the probes ${fixture.name} accepts (${fixture.bug})`, async () => {
      const api = scenario.apis.get(fixture.name);
      assert.ok(api);
      const report = await probe(api.url);
      assert.deepEqual(accepted(report), [...fixture.accepts].sort());
      assert.deepEqual(unjudged(report), [], 'every other probe is refused');
      assert.equal(report.exit_code, 1);
      assert.ok(report.summary.worst, 'names the worst severity');
    });
  }

  test('sends the method, headers and body an endpoint needs (POST /entries of the calendar API)', async () => {
    const post: Target = { ...target(scenario.calendarUrl), method: 'POST', headers: [['x-request-id', 'probe-1']], data: JSON.stringify({ title: 'probe control', date: '2030-01-01' }) };
    const report = await runProbe({ mode: 'operator', target: post, api: opened.deployment.api.identifier, issuer: opened.deployment.issuer, cases: await operatorCases(opened.deployment, ['write:calendar']) });
    assert.equal(report.results.find((r) => r.id === 'control')?.response?.status, 201);
    assert.deepEqual(accepted(report), []);
    assert.deepEqual(unjudged(report), []);
    assert.equal(report.results.find((r) => r.id === 'too-little-scope')?.sent, 'scope read:calendar');
  });

  test('without --scope, an accepted token with no scope is inconclusive, not a finding', async () => {
    const report = await probe(scenario.apis.get('accepts-any-verified')?.url ?? '', []);
    const noScope = report.results.find((r) => r.id === 'no-scope');
    assert.equal(noScope?.verdict, 'inconclusive');
    assert.match(noScope?.reason ?? '', /--scope/);
    assert.equal(report.results.find((r) => r.id === 'too-little-scope')?.verdict, 'skipped');
  });

  test('stops after the control when a valid token is refused, and says the API or URL is wrong', async () => {
    const wrong = await openDeployment({ configFile: scenario.stack.configFile, api: scenario.stack.apiUrl, issuer: 'http://127.0.0.1:9/not-the-issuer', env: { ...process.env, ...scenario.env } });
    try {
      const report = await runProbe({ mode: 'operator', target: target(scenario.calendarUrl), api: scenario.stack.apiUrl, issuer: 'x', cases: await operatorCases(wrong.deployment, [scenario.scope]) });
      assert.equal(report.stopped?.reason, 'control_refused');
      assert.match(report.stopped?.message ?? '', /valid access token was not accepted \(HTTP 401/);
      assert.equal(report.requests_sent, 2, 'no token, then the control; nothing after');
      assert.equal(report.exit_code, 2);
    } finally {
      await wrong.close();
    }
  });
});

describe('probe, foreign mode (no signing key)', { timeout: 60_000 }, () => {
  const probe = async (url: string) =>
    runProbe(await foreignPlan({ target: target(url), accessToken: scenario.tokens.accessToken, idToken: scenario.tokens.idToken }));

  test('reports the calendar API as clean', async () => {
    const report = await probe(scenario.calendarUrl);
    assert.deepEqual(accepted(report), []);
    assert.deepEqual(unjudged(report), []);
    assert.equal(report.exit_code, 0);
    assert.match(report.notes.join(' '), /JWKS/);
  });

  for (const fixture of VULNERABLE_APIS) {
    test(`finds what can be found without keys in ${fixture.name}: ${fixture.acceptsForeign.join(', ') || 'nothing'}`, async () => {
      const api = scenario.apis.get(fixture.name);
      assert.ok(api);
      const report = await probe(api.url);
      assert.deepEqual(accepted(report), [...fixture.acceptsForeign].sort());
      assert.deepEqual(unjudged(report), []);
    });
  }
});
