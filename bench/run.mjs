#!/usr/bin/env node
// `npm run bench`: the token benchmark (Lanekeeper beside oidc-provider and a ceiling, rows
// in rows.mjs) and the guard benchmark (bench/guard), one after the other.
//
//   npm run bench [-- --quick] [--only=<row or group,...>] [--report] [--verbose]
//
// --quick     one short run per row and connection count (a smoke check, not a measurement)
// --only=     rows by id or group (e.g. cc-es256, refresh-lanekeeper, guard)
// --profile   servers run with node --cpu-prof (profiles in bench/.cache/profiles)
// --seconds=, --runs=, --connections=10,50   override the plan (trials, profiles)
// --report    print the table and targets from bench/results/latest.json without measuring
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ROWS } from './rows.mjs';
import { measureRow } from './lib/harness.mjs';
import { printReport } from './lib/report.mjs';
import { BENCH_DIR, ROOT } from './lib/setup.mjs';

const args = Object.fromEntries(process.argv.slice(2).map((a) => { const [k, ...v] = a.replace(/^--/, '').split('='); return [k, v.length ? v.join('=') : true]; }));
const quick = Boolean(args.quick);
const only = typeof args.only === 'string' ? args.only.split(',').filter(Boolean) : undefined;
const plan = {
  ...(quick ? { warmup: 0.5, seconds: 2, runs: 1 } : { warmup: 3, seconds: 10, runs: 3 }),
  quick,
  connections: [10, 50],
  verbose: Boolean(args.verbose),
  // Overrides, for profiling and trials (a recorded run uses the defaults).
  ...(args.seconds ? { seconds: Number(args.seconds) } : {}),
  ...(args.runs ? { runs: Number(args.runs) } : {}),
  ...(args.connections ? { connections: String(args.connections).split(',').map(Number) } : {}),
  // --profile: each server writes a V8 CPU profile (node --cpu-prof) to bench/.cache/profiles.
  profile: Boolean(args.profile),
};
const RESULTS = join(BENCH_DIR, 'results');
const LATEST = join(RESULTS, 'latest.json');

function machine() {
  return { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, platform: `${process.platform} ${process.arch}` };
}

function commit() {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}

function loadLatest() {
  return existsSync(LATEST) ? JSON.parse(readFileSync(LATEST, 'utf8')) : { rows: {} };
}

if (args.report) {
  printReport(loadLatest());
  process.exit(0);
}

const selected = ROWS.filter((r) => !only || only.includes(r.id) || only.includes(r.group));
const runGuard = !only || only.includes('guard');
const perRow = plan.connections.length * (plan.warmup + plan.runs * plan.seconds) + 8;
console.log(`${selected.length} token rows × ${plan.connections.length} connection counts: about ${Math.ceil((selected.length * perRow) / 60)} min${runGuard ? ', then the guard benchmark' : ''}`);
if (selected.length * perRow > 20 * 60) {
  console.error('refusing to plan more than 20 minutes of load in one run: use --only=<rows> to run in parts');
  process.exit(2);
}

if (selected.length > 0) {
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'packages/lanekeeper'], { cwd: ROOT, stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  const started = new Date();
  const run = { startedAt: started.toISOString(), commit: commit(), machine: machine(), plan: { ...plan, verbose: undefined, profile: undefined }, rows: {} };
  const extras = {};
  for (const row of selected) {
    process.stdout.write(`  ${row.id} … `);
    const record = await measureRow(row, plan);
    record.group = row.group;
    record.measuredAt = new Date().toISOString();
    record.quick = quick;
    record.commit = run.commit;
    if (row.extra) Object.assign(extras, await row.extra(plan));
    run.rows[row.id] = record;
    console.log(record.error ? `FAILED: ${record.error}` : record.levels.map((l) => `${l.connections} conn ${Math.round(l.rps?.median ?? 0)}/s${l.invalid ? ' INVALID' : ''}`).join(', '));
  }
  run.extras = extras;
  mkdirSync(RESULTS, { recursive: true });
  const stamp = started.toISOString().replace(/[:.]/g, '-').slice(0, 19);
  if (!quick) {
    writeFileSync(join(RESULTS, `${stamp}.json`), JSON.stringify(run, null, 2) + '\n');
    // latest.json merges the newest measurement of every row, so a full run may be made in parts.
    const latest = loadLatest();
    latest.machine = run.machine;
    latest.plan = run.plan;
    latest.rows = { ...latest.rows, ...run.rows };
    latest.extras = { ...latest.extras, ...extras };
    writeFileSync(LATEST, JSON.stringify(latest, null, 2) + '\n');
    printReport(latest);
  } else {
    printReport(run);
  }
}

if (runGuard) {
  console.log('\n== guard ==');
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'packages/guard'], { cwd: ROOT, stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  // The guard's own --quick: a smoke run that never replaces bench/results/guard-*.json.
  const guardArgs = quick ? ['--quick'] : [];
  const guard = spawnSync(process.execPath, [fileURLToPath(new URL('./guard/run.mjs', import.meta.url)), ...guardArgs], { cwd: ROOT, stdio: 'inherit' });
  if (guard.status !== 0) process.exit(guard.status ?? 1);
}
