// Starts a server under test pinned to core 0 and the load generator pinned to core 1, runs
// the warm-up and the measured runs, and reads the server's CPU time and memory from /proc.
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR, ROOT } from './setup.mjs';

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const SERVER_CORE = '0';
const LOAD_CORE = '1';

/** utime + stime of a process (all its threads), seconds. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** VmRSS and VmHWM (peak resident set) of a process, MiB. */
export function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

/** A node process on one core, talking over IPC; resolves on its first message (ready). */
function startPinned(core, script, args, { env = {}, timeoutMs = 120_000, quiet = true, nodeArgs = [] } = {}) {
  const child = spawn('taskset', ['-c', core, process.execPath, ...nodeArgs, script, ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'development', ...env },
    stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not start within ${timeoutMs / 1000} s: ${stderr}`));
    }, timeoutMs);
    child.once('message', (m) => {
      clearTimeout(timer);
      resolve({ child, hello: m, stderr: () => stderr });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code}) before it was ready: ${stderr}`));
    });
  });
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

function ask(child, message, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the load generator did not answer in time')), timeoutMs);
    child.once('message', (m) => {
      clearTimeout(timer);
      if (m.ok) resolve(m.result);
      else reject(new Error(m.error));
    });
    child.send(message);
  });
}

/**
 * Measures one row: its server is started (pinned), loaded at each connection count with a
 * warm-up and `runs` measured runs, and stopped. A row never throws: failures are recorded.
 */
export async function measureRow(row, plan) {
  const record = { id: row.id, label: row.label, impl: row.impl, levels: [], notes: [] };
  let server;
  let load;
  try {
    const prepared = await row.prepare(plan);
    if (prepared.note) record.notes.push(prepared.note);
    server = await startPinned(SERVER_CORE, join(BENCH_DIR, prepared.server.script), prepared.server.args ?? [], { env: prepared.server.env, quiet: !plan.verbose, nodeArgs: plan.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(BENCH_DIR, '.cache/profiles')}`, `--cpu-prof-name=${row.id}-${Date.now()}.cpuprofile`] : [] });
    const pid = server.child.pid;
    const url = server.hello.url;
    await new Promise((r) => setTimeout(r, 1000));
    record.idleRssMiB = memory(pid).rss;
    load = await startPinned(LOAD_CORE, join(BENCH_DIR, 'lib/load.mjs'), [], { quiet: !plan.verbose });
    const job = await prepared.job({ url, issuer: server.hello.issuer });
    if (job.note) record.notes.push(job.note);
    for (const connections of plan.connections) {
      const level = { connections, runs: [] };
      record.levels.push(level);
      const timeout = (plan.warmup + plan.seconds) * 1000 + 60_000;
      if (plan.warmup > 0) await ask(load.child, { ...job, url, connections, duration: plan.warmup }, timeout);
      for (let i = 0; i < plan.runs; i++) {
        const cpu0 = cpuSeconds(pid);
        const r = await ask(load.child, { ...job, url, connections, duration: plan.seconds }, timeout);
        r.serverCpuSeconds = cpuSeconds(pid) - cpu0;
        level.runs.push(r);
      }
    }
    record.loadedRssMiB = memory(pid).rss;
    record.peakRssMiB = memory(pid).hwm;
  } catch (err) {
    record.error = String(err?.message ?? err).slice(0, 600);
  } finally {
    if (load) await stop(load.child);
    if (server) await stop(server.child);
  }
  summarize(record);
  return record;
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function summarize(record) {
  for (const level of record.levels) {
    const runs = level.runs;
    if (runs.length === 0) continue;
    const rps = runs.map((r) => r.rps);
    const requests = runs.reduce((a, r) => a + r.requests, 0);
    level.rps = { median: median(rps), min: Math.min(...rps), max: Math.max(...rps) };
    level.p50 = median(runs.map((r) => r.p50));
    level.p99 = median(runs.map((r) => r.p99));
    level.non2xx = runs.reduce((a, r) => a + r.non2xx + r.errors, 0);
    level.cpuPerRequestUs = requests ? (runs.reduce((a, r) => a + r.serverCpuSeconds, 0) / requests) * 1e6 : NaN;
    level.invalid = level.non2xx > 0 || requests === 0;
    const failures = runs.flatMap((r) => r.firstFailures ?? []);
    if (failures.length) record.notes.push(`${level.connections} conn: first failures ${[...new Set(failures)].slice(0, 3).join(', ')}`);
  }
}

/** Runs lib/raw-sign.mjs on the server's core. */
export async function rawSignsPerSecond(alg, seconds) {
  const { child, hello } = await startPinned(SERVER_CORE, join(BENCH_DIR, 'lib/raw-sign.mjs'), [alg, String(seconds)]);
  await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
  return hello;
}
