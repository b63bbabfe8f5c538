#!/usr/bin/env node
// Instructions (and, with --cache, simulated cache misses) per request of bench rows, counted
// by valgrind's callgrind: the same count run after run, whatever else the machine is doing,
// where req/s here drifts by several percent. It finds costs a timed run cannot separate
// from noise (a string comparison that cost 8,000 instructions per token was found so).
// It does not replace run.mjs: time also goes to cache misses, which --cache only models
// (last level sized as this machine's 512 KiB L2).
//
// Each row's server runs under callgrind with instrumentation off while it warms up, then on
// for a fixed number of requests; only the main thread (the one serving requests) is counted.
//
//   node bench/guard/instructions.mjs [row ...] [--alg=RS256] [--warmup=20000] [--requests=4000] [--cache]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { loadFixture } from './fixture.mjs';
import { startJwksServer } from './issuer.mjs';
import { rows } from './rows.mjs';

const args = Object.fromEntries(process.argv.slice(2).filter((a) => a.startsWith('--')).map((a) => [...a.slice(2).split('='), 'true'].slice(0, 2)));
const picked = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const apps = picked.length > 0 ? picked : ['fastify-raw-verify', 'fastify-guard', 'fastify-guard-handler'];
const alg = args.alg ?? 'RS256';
const warmup = Number(args.warmup ?? 20000);
const requests = Number(args.requests ?? 4000);
const cache = args.cache === 'true';
const unknown = apps.filter((app) => !rows.some((r) => r.app === app));
if (unknown.length > 0 || !['RS256', 'ES256'].includes(alg) || !(warmup >= 0) || !(requests >= 100 && requests <= 100_000)) {
  console.error(`usage: node bench/guard/instructions.mjs [row ...] [--alg=RS256|ES256] [--warmup=20000] [--requests=4000] [--cache]; rows: ${rows.map((r) => r.app).join(', ')}`);
  process.exit(2);
}
try {
  execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
} catch {
  console.error('valgrind is not installed (Debian: apt-get install valgrind)');
  process.exit(2);
}

const fixture = await loadFixture({ alg, count: 200 });
const jwks = await startJwksServer(fixture.publicJwk);
const config = { alg, publicJwk: fixture.publicJwk, jwksUri: jwks.jwksUri };
const dir = mkdtempSync(join(tmpdir(), 'lanekeeper-callgrind-'));
const events = cache ? ['Ir', 'I1mr', 'ILmr', 'D1mr', 'DLmr'] : ['Ir'];

/** Per-request counts of one row's main thread. */
async function count(row) {
  const out = join(dir, `${row.app}.out`);
  const tool = ['--tool=callgrind', '--instr-atstart=no', '--separate-threads=yes', `--callgrind-out-file=${out}`];
  if (cache) tool.push('--cache-sim=yes', '--LL=524288,8,64');
  const child = spawn('valgrind', [...tool, process.execPath, new URL('./server.mjs', import.meta.url).pathname, row.app], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, BENCH_CONFIG: JSON.stringify(config), NODE_ENV: 'production' },
  });
  let stderr = '';
  child.stderr.on('data', (d) => void (stderr += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const port = await Promise.race([
    new Promise((resolve) => child.once('message', (m) => resolve(m.port))),
    exited.then(() => Promise.reject(new Error(`${row.app} did not start under valgrind:\n${stderr.slice(-2000)}`))),
  ]);
  const tokens = row.tokens === 'repeated' ? fixture.tokens.slice(0, 1) : fixture.tokens;
  const load = async (amount) => {
    const result = await autocannon({
      url: `http://127.0.0.1:${port}`,
      connections: 10,
      amount,
      timeout: 120,
      requests: tokens.map((t) => ({ method: 'GET', path: '/calendar', headers: { authorization: `Bearer ${t}` } })),
    });
    if (result.non2xx + result.errors + result.timeouts > 0) throw new Error(`${row.app}: failed requests under valgrind`);
    return result.requests.total;
  };
  if (warmup > 0) await load(warmup);
  execFileSync('callgrind_control', ['--instr=on', String(child.pid)], { stdio: 'ignore' });
  const served = await load(requests);
  execFileSync('callgrind_control', ['--instr=off', String(child.pid)], { stdio: 'ignore' });
  child.disconnect();
  await exited;
  // The main thread's file ends in -01; its totals line holds the events in the order recorded.
  const main = readdirSync(dir).find((f) => f.startsWith(`${row.app}.out`) && f.endsWith('-01'));
  if (!main) throw new Error(`${row.app}: no callgrind output for the main thread`);
  const text = execFileSync('callgrind_annotate', [`--show=${events.join(',')}`, join(dir, main)], { maxBuffer: 64 << 20 }).toString();
  const totals = text.split('\n').find((l) => l.includes('PROGRAM TOTALS'));
  if (!totals) throw new Error(`${row.app}: no totals in callgrind's output`);
  const numbers = [...totals.matchAll(/([\d,]+) \(/g)].map((m) => Number(m[1].replace(/,/g, '')));
  return Object.fromEntries(events.map((e, i) => [e, numbers[i] / served]));
}

try {
  const results = [];
  for (const app of apps) {
    const row = rows.find((r) => r.app === app);
    console.error(`${app}: counting ${requests} requests after ${warmup} to warm up ...`);
    results.push({ row, counts: await count(row) });
  }
  const base = results[0];
  console.log(`${alg}, per request, main thread (callgrind${cache ? ', cache model: 32 KiB L1, 512 KiB last level' : ''}):`);
  console.table(
    results.map(({ row, counts }) => ({
      route: row.label,
      ...Object.fromEntries(events.map((e) => [e, Math.round(counts[e]).toLocaleString('en-US')])),
      [`Ir vs ${base.row.app}`]: `${(((counts.Ir - base.counts.Ir) / base.counts.Ir) * 100).toFixed(1)}%`,
    })),
  );
} finally {
  await jwks.close();
  rmSync(dir, { recursive: true, force: true });
}
