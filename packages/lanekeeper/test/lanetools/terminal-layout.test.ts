// What a person sees in a terminal 100 columns wide (tmux, installed by .ci/run): inspect on
// an ID token and probe on a vulnerable API. No line wider than the terminal, the verdict on
// a line of its own, colour on a terminal only: none with NO_COLOR, none when piped. The
// captures are written to test-output/terminal/ to be looked at.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, runCli } from '../helpers/cli.js';
import { hasTmux, runInTerminal, type Capture } from './helpers/pty.js';
import { startScenario, type Scenario } from './helpers/scenario.js';

const COLUMNS = 100;
const CAPTURES = fileURLToPath(new URL('../../../../test-output/terminal/', import.meta.url));
const ESCAPE = /\u001b\[[0-9;:]*m/;

function keep(name: string, capture: Capture): void {
  mkdirSync(CAPTURES, { recursive: true });
  writeFileSync(join(CAPTURES, `${name}.txt`), `${capture.lines.join('\n')}\n`);
  writeFileSync(join(CAPTURES, `${name}.ansi`), capture.raw);
}

function assertFits(capture: Capture): void {
  const wide = capture.lines.filter((line) => [...line].length > COLUMNS);
  assert.deepEqual(wide, [], `lines wider than ${COLUMNS} columns`);
}

const tmuxMissing = !hasTmux();

describe(`the terminal layout, ${COLUMNS} columns (tmux)`, { timeout: 60_000, skip: tmuxMissing && !process.env['CI'] ? 'tmux is not installed (.ci/run installs it)' : false }, () => {
  let scenario: Scenario;
  let dir: string;
  let inspectArgs: string[];
  let probeArgs: string[];

  before(async () => {
    assert.ok(!tmuxMissing, 'tmux is installed');
    scenario = await startScenario();
    dir = mkdtempSync(join(tmpdir(), 'lk-pty-'));
    writeFileSync(join(dir, 'id-token'), scenario.tokens.idToken);
    inspectArgs = [process.execPath, CLI, 'inspect', '--file', join(dir, 'id-token'), '--online', '--audience', scenario.stack.apiUrl, '--scope', scenario.scope];
    probeArgs = [
      process.execPath, CLI, 'probe',
      '--config', scenario.stack.configFile, '--api', scenario.stack.apiUrl, '--issuer', scenario.stack.issuer,
      '--url', scenario.apis.get('accepts-any-verified')?.url ?? '', '--scope', scenario.scope,
    ];
  });
  after(async () => {
    await scenario?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('inspect on an ID token: fits, the verdict on its own line, coloured on the terminal', async () => {
    const capture = await runInTerminal(inspectArgs, { PATH: process.env['PATH'] ?? '' }, { columns: COLUMNS });
    keep('inspect-id-token', capture);
    assert.equal(capture.code, 1);
    assertFits(capture);
    assert.ok(capture.lines.includes('Verdict       REFUSED (401 invalid_token)'), capture.lines.join('\n'));
    assert.ok(capture.lines.some((l) => /^Lane\s+ID token\s+\(likely\)$/.test(l)));
    assert.ok(capture.lines.some((l) => /^ {2}✓ signature\s+verifies with that key$/.test(l)));
    assert.match(capture.raw, ESCAPE, 'colour on a terminal');
  });

  test('probe on a vulnerable API: fits, one line per probe, the verdict on its own line, coloured', async () => {
    const capture = await runInTerminal(probeArgs, { PATH: process.env['PATH'] ?? '', ...scenario.env }, { columns: COLUMNS });
    keep('probe-accepts-any-verified', capture);
    assert.equal(capture.code, 1);
    assertFits(capture);
    const rows = capture.lines.filter((l) => /^ {2}(refused|ACCEPTED|control ok|inconclusive|skipped)\s/.test(l));
    assert.equal(rows.length, 15, 'one line per probe');
    assert.ok(capture.lines.includes('VULNERABLE  the API accepted 6 tokens it must refuse'), capture.lines.join('\n'));
    assert.match(capture.raw, ESCAPE);
  });

  test('no colour with NO_COLOR on the terminal, and none when piped', async () => {
    const noColour = await runInTerminal(inspectArgs, { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' }, { columns: COLUMNS });
    assert.doesNotMatch(noColour.raw, ESCAPE);
    assert.ok(noColour.lines.includes('Verdict       REFUSED (401 invalid_token)'));
    const [inspectPiped, probePiped] = await Promise.all([runCli(inspectArgs.slice(2)), runCli(probeArgs.slice(2), scenario.env)]);
    for (const piped of [inspectPiped, probePiped]) {
      assert.equal(piped.code, 1, piped.stderr);
      assert.doesNotMatch(piped.stdout, ESCAPE);
      assert.ok(piped.stdout.split('\n').every((l) => [...l].length <= COLUMNS), 'piped output keeps to 100 columns too');
    }
  });
});
