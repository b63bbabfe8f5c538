#!/usr/bin/env node
// The guard benchmark: requests/s of one GET route, protected in different ways, each
// served by its own process pinned to core 0 and loaded by autocannon in another process
// pinned to core 1. Prints, per algorithm and connection count, the table, the ratios
// against the peers measured in the same run, and the targets; writes
// bench/results/guard-<alg>.json (full runs: default rounds, durations and connections) and bench/.cache/guard-results-<alg>.{json,md}.
//
//   node bench/guard/run.mjs [--quick] [--alg=RS256,ES256] [--connections=10,50] [--rounds=8]
//                            [--seconds=1] [--warmup=0.3] [--server-warmup=3] [--tokens=200]
//                            [--only=app,app] [--max-others=0.1]
//
// Method: every server is warmed up once (3 s), then each round runs every row once
// (0.3 s of warm-up load, then 1 s measured), the two rows of each target back to back
// (rows.mjs). A row's req/s is the median (min–max) of its rounds; a ratio is the median
// (min–max) of the per-round ratios, so drift in the machine's speed hits both sides alike. A
// sample taken while other processes used more than a tenth of a core is taken again (a few
// times at most). The run refuses to plan more than 15 minutes of load.
import { cpus, loadavg } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { base64url } from 'jose';
import { ask, cores, firstMessage, pinSelf, spawnOn } from './cores.mjs';
import { loadFixture } from './fixture.mjs';
import { startJwksServer } from './issuer.mjs';
import { machineBusyMicros, waitForQuiet } from './machine.mjs';
import { printReport, markdownReport } from './report.mjs';
import { roundOrder, rows as allRows, targets } from './rows.mjs';
import { ratioOf, spread } from './stats.mjs';

const args = Object.fromEntries(process.argv.slice(2).filter((a) => a.startsWith('--')).map((a) => {
  const [key, ...value] = a.slice(2).split('=');
  return [key, value.length ? value.join('=') : 'true'];
}));
const quick = args.quick === 'true';
const list = (value, fallback) => (value ?? fallback).split(',').filter(Boolean);
const options = {
  quick,
  algorithms: list(args.alg, 'RS256,ES256'),
  connections: list(args.connections, quick ? '10' : '10,50').map(Number),
  rounds: Number(args.rounds ?? (quick ? 1 : 8)),
  seconds: Number(args.seconds ?? 1),
  warmup: Number(args.warmup ?? (quick ? 0.2 : 0.3)),
  serverWarmup: Number(args['server-warmup'] ?? (quick ? 0 : 3)),
  tokens: Number(args.tokens ?? 200),
  /** A sample taken while other processes used more than this many cores is taken again (up to 4 times; never in --quick). */
  maxOthers: Number(args['max-others'] ?? 0.1),
  /** Comma-separated app names: run only these rows (ratios and targets need their peers). */
  only: args.only ? list(args.only) : undefined,
};
const fullRun = !quick && !options.only && ['connections', 'rounds', 'seconds', 'warmup', 'server-warmup', 'tokens'].every((k) => args[k] === undefined);
for (const alg of options.algorithms) if (!['RS256', 'ES256'].includes(alg)) throw new Error('--alg takes RS256, ES256 or both');
for (const c of options.connections) if (!(c >= 1 && c <= 1000)) throw new Error('--connections out of range');
for (const k of ['seconds', 'rounds', 'tokens']) if (!(options[k] >= 1 && options[k] <= 10_000)) throw new Error(`--${k} out of range`);
for (const k of ['warmup', 'serverWarmup']) if (!(options[k] >= 0 && options[k] <= 60)) throw new Error(`--${k} out of range`);

const rows = options.only ? allRows.filter((r) => options.only.includes(r.app)) : allRows;
if (rows.length === 0) throw new Error(`--only matched no rows; rows are ${allRows.map((r) => r.app).join(', ')}`);
const plannedSeconds =
  options.algorithms.length * rows.length * (options.serverWarmup + options.connections.length * options.rounds * (options.warmup + options.seconds));
if (plannedSeconds > 900) throw new Error(`keep runs bounded: this would load for ${Math.round(plannedSeconds)} s (limit 900)`);
// Samples taken again may stretch the run by half its plan, never past 15 minutes of load.
const deadline = Date.now() + Math.min(1.5 * plannedSeconds, 900) * 1000;

/** A protected route must answer the token's own sub, and refuse the same token with one signature bit flipped. */
async function preflight(port, row, token) {
  const call = (t) => fetch(`http://127.0.0.1:${port}/calendar`, { headers: { authorization: `Bearer ${t}` } });
  const ok = await call(token);
  const body = await ok.json();
  if (ok.status !== 200) throw new Error(`preflight: ${row.app} answered a valid token ${ok.status} ${JSON.stringify(body)}`);
  if (!row.protected) return;
  const sub = JSON.parse(new TextDecoder().decode(base64url.decode(token.split('.')[1]))).sub;
  if (body.sub !== sub) throw new Error(`preflight: ${row.app} answered sub ${body.sub}, expected ${sub}`);
  const [h, p, s] = token.split('.');
  const signature = base64url.decode(s);
  signature[10] ^= 1;
  const forged = await call(`${h}.${p}.${base64url.encode(signature)}`);
  await forged.arrayBuffer();
  if (forged.status !== 401) throw new Error(`preflight: ${row.app} answered a forged token ${forged.status}`);
}

async function startServer(app, config) {
  const child = spawnOn(cores?.server, new URL('./server.mjs', import.meta.url), [app], {
    env: { ...process.env, BENCH_CONFIG: JSON.stringify(config), NODE_ENV: 'production' },
  });
  const { port } = await firstMessage(child, app);
  return { app, child, port };
}

async function startLoadGenerator(fixture) {
  const child = spawnOn(cores?.load, new URL('./loadgen.mjs', import.meta.url), [fixture.file.pathname]);
  await firstMessage(child, 'the load generator');
  let cpuMicros = 0;
  return {
    child,
    /** Own CPU time of the load generator after its last run. */
    cpuMicros: () => cpuMicros,
    async run(server, row, seconds, connections) {
      const reply = await ask(child, { port: server.port, repeated: row.tokens === 'repeated', seconds, connections });
      cpuMicros = reply.cpuMicros;
      return reply.result;
    },
  };
}

let retries = 0;

/** One measured load of a server: its req/s and latency, the CPU it used, and what the rest of the machine used meanwhile. */
async function measure(loader, server, row, connections) {
  const before = await ask(server.child, { usage: true });
  const busyBefore = machineBusyMicros();
  const loadBefore = loader.cpuMicros();
  const ownBefore = process.cpuUsage();
  const result = await loader.run(server, row, options.seconds, connections);
  const own = process.cpuUsage(ownBefore);
  const busyAfter = machineBusyMicros();
  const after = await ask(server.child, { usage: true });
  const cpuMicros = after.cpuMicros - before.cpuMicros;
  const wallMicros = (after.at - before.at) * 1000;
  // The server's share of its core while autocannon sent requests (its setup, which builds
  // each connection's requests, and the IPC around it leave the server idle).
  const loadedMicros = Math.min(wallMicros, result.seconds * 1e6);
  const benchMicros = cpuMicros + (loader.cpuMicros() - loadBefore) + own.user + own.system;
  // CPU the rest of the machine used meanwhile, in cores (0.1 = a tenth of one core).
  const others = busyBefore === undefined ? 0 : Math.max(0, (busyAfter - busyBefore - benchMicros) / wallMicros);
  return {
    ...result,
    serverCpu: cpuMicros / loadedMicros,
    cpuPerRequest: cpuMicros / result.requests,
    peakRssBytes: after.peakRssBytes,
    others,
  };
}

async function runAlgorithm(alg) {
  const fixture = await loadFixture({ alg, count: options.tokens });
  const jwks = await startJwksServer(fixture.publicJwk);
  const config = { alg, publicJwk: fixture.publicJwk, jwksUri: jwks.jwksUri };
  const servers = new Map();
  let loader;
  /** samples[connections][app] = one sample per round */
  const samples = Object.fromEntries(options.connections.map((c) => [c, Object.fromEntries(rows.map((r) => [r.app, []]))]));
  try {
    loader = await startLoadGenerator(fixture);
    for (const row of rows) servers.set(row.app, await startServer(row.app, config));
    for (const row of rows) await preflight(servers.get(row.app).port, row, fixture.tokens[0]);
    process.stderr.write(`${alg}: preflight passed on ${rows.length} rows (valid token answered with its sub, forged token refused with 401)\n`);
    if (!options.quick && !(await waitForQuiet({ maxCores: options.maxOthers, timeoutSeconds: 60 }))) {
      process.stderr.write('the machine is busy; measuring anyway (busy samples are taken again)\n');
    }
    if (options.serverWarmup > 0) {
      for (const row of rows) await loader.run(servers.get(row.app), row, options.serverWarmup, Math.max(...options.connections));
    }
    for (const connections of options.connections) {
      for (let round = 0; round < options.rounds; round++) {
        for (const row of roundOrder(rows, round)) {
          const server = servers.get(row.app);
          let sample;
          for (let attempt = 0; ; attempt++) {
            if (options.warmup > 0) await loader.run(server, row, options.warmup, connections);
            sample = await measure(loader, server, row, connections);
            const busy = !options.quick && sample.others > options.maxOthers;
            const failed = sample.non2xx + sample.errors;
            process.stderr.write(
              `${alg} c=${connections} round ${round + 1}/${options.rounds} ${row.label}: ${Math.round(sample.perSecond)} req/s, ` +
                `server CPU ${Math.round(sample.serverCpu * 100)}%, ${sample.cpuPerRequest.toFixed(1)} µs/req, ` +
                `other processes ${Math.round(sample.others * 100)}% of a core${failed ? `, ${failed} FAILED` : ''}${busy ? ' (machine busy: measuring again)' : ''}\n`,
            );
            if (!busy || attempt >= 4 || Date.now() > deadline) break;
            retries++;
            await waitForQuiet({ maxCores: options.maxOthers, timeoutSeconds: Math.min(30, Math.max(0, (deadline - Date.now()) / 1000)) });
          }
          samples[connections][row.app].push(sample);
        }
      }
    }
  } finally {
    for (const server of servers.values()) server.child.disconnect();
    loader?.child.disconnect();
    await jwks.close();
  }
  return summarise(alg, samples);
}

function summarise(alg, samples) {
  const levels = options.connections.map((connections) => {
    const byApp = samples[connections];
    const rate = (app) => byApp[app]?.map((x) => x.perSecond);
    const ratio = (app, peer) => (rate(app) && rate(peer) ? ratioOf(rate(app), rate(peer)) : undefined);
    // The same comparison by server CPU per request (peer's over the row's): what the ratio of
    // req/s would be if both servers were saturated, whatever the load generator can send.
    const cost = (app) => byApp[app]?.map((x) => x.cpuPerRequest);
    const cpuRatio = (app, peer) => (cost(app) && cost(peer) ? ratioOf(cost(peer), cost(app)) : undefined);
    const rowResults = rows.map((row) => {
      const s = byApp[row.app];
      return {
        app: row.app,
        label: row.label,
        tokens: row.tokens,
        reqPerSec: spread(s.map((x) => x.perSecond)),
        p50Ms: spread(s.map((x) => x.p50Ms)).median,
        p99Ms: spread(s.map((x) => x.p99Ms)).median,
        non2xx: s.reduce((n, x) => n + x.non2xx, 0),
        errors: s.reduce((n, x) => n + x.errors, 0),
        serverCpu: spread(s.map((x) => x.serverCpu)).median,
        cpuMicrosPerRequest: spread(s.map((x) => x.cpuPerRequest)).median,
        peakRssMB: Math.max(...s.map((x) => x.peakRssBytes)) / 2 ** 20,
        vsExpressOauth2JwtBearer: ratio(row.app, 'express-oauth2-jwt-bearer'),
        vsCeiling: ratio(row.app, `${row.framework}-raw-verify`),
        vsUnprotected: ratio(row.app, `${row.framework}-unprotected`),
        samples: s.map((x) => Math.round(x.perSecond)),
      };
    });
    const verdicts = targets
      .map((t) => ({ ...t, measured: ratio(t.row, t.peer), byCpu: cpuRatio(t.row, t.peer) }))
      .filter((t) => t.measured !== undefined)
      .map((t) => ({ target: t.name, min: t.min, measured: t.measured, byCpu: t.byCpu, result: t.min === undefined ? 'info' : t.measured.median >= t.min ? 'pass' : 'MISS' }));
    return { connections, rows: rowResults, targets: verdicts };
  });
  return { alg, levels };
}

async function main() {
  pinSelf(cores?.load ?? 0);
  const startedAt = new Date();
  const loadAtStart = loadavg()[0];
  const results = [];
  for (const alg of options.algorithms) results.push(await runAlgorithm(alg));
  const environment = {
    date: startedAt.toISOString(),
    node: process.version,
    cpu: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`,
    pinning: cores ? `servers on core ${cores.server}, load generator on core ${cores.load} (taskset)` : 'none (no taskset or one core)',
    loadAverageAtStart: Number(loadAtStart.toFixed(2)),
    samplesTakenAgain: retries,
    options,
  };
  let failed = false;
  for (const result of results) {
    printReport(result, environment);
    const json = `${JSON.stringify({ environment, ...result }, null, 2)}\n`;
    const cache = new URL('../.cache/', import.meta.url);
    mkdirSync(cache, { recursive: true });
    writeFileSync(new URL(`guard-results-${result.alg}${options.quick ? '-quick' : ''}.json`, cache), json);
    writeFileSync(new URL(`guard-results-${result.alg}${options.quick ? '-quick' : ''}.md`, cache), `${markdownReport(result, environment)}\n`);
    // Only full runs (every row, the default rounds, durations and connection counts) replace the recorded results.
    if (fullRun) {
      const out = new URL('../results/', import.meta.url);
      mkdirSync(out, { recursive: true });
      writeFileSync(new URL(`guard-${result.alg}.json`, out), json);
    }
    failed ||= result.levels.some((l) => l.rows.some((r) => r.non2xx + r.errors > 0));
  }
  if (failed) console.log('INVALID: some requests failed (non-2xx or errors); see the tables above.');
  process.exitCode = failed ? 1 : 0;
}

await main();
