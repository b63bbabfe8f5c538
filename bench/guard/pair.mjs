#!/usr/bin/env node
// Two rows head to head: their servers (pinned to core 0) are loaded in turn, A B B A ...,
// for many short samples, and the per-pair ratios of req/s and of server CPU per request
// are summarised. On a machine whose speed drifts within seconds this pins a ratio down
// more tightly than the full run, whose rounds cover eight rows.
//
//   node bench/guard/pair.mjs <row-a> <row-b> [--alg=RS256] [--pairs=16] [--seconds=1] [--connections=10]
import { ask, cores, firstMessage, pinSelf, spawnOn } from './cores.mjs';
import { loadFixture } from './fixture.mjs';
import { startJwksServer } from './issuer.mjs';
import { rows } from './rows.mjs';
import { ratioOf, spread } from './stats.mjs';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const args = Object.fromEntries(process.argv.slice(2).filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')));
const picked = positional.map((app) => rows.find((r) => r.app === app));
if (picked.length !== 2 || picked.includes(undefined)) {
  console.error(`usage: node bench/guard/pair.mjs <row-a> <row-b> [--alg=RS256|ES256] [--pairs=16]; rows: ${rows.map((r) => r.app).join(', ')}`);
  process.exit(2);
}
const alg = args.alg ?? 'RS256';
const pairs = Math.min(Number(args.pairs ?? 16), 100);
const seconds = Math.min(Number(args.seconds ?? 1), 10);
const connections = Number(args.connections ?? 10);
if (!['RS256', 'ES256'].includes(alg) || !(pairs >= 1) || !(seconds > 0) || !(connections >= 1)) throw new Error('bad arguments');

pinSelf(cores?.load ?? 0);
const fixture = await loadFixture({ alg, count: 200 });
const jwks = await startJwksServer(fixture.publicJwk);
const config = { alg, publicJwk: fixture.publicJwk, jwksUri: jwks.jwksUri };
const servers = [];
const loader = spawnOn(cores?.load, new URL('./loadgen.mjs', import.meta.url), [fixture.file.pathname]);
try {
  await firstMessage(loader, 'the load generator');
  for (const row of picked) {
    const child = spawnOn(cores?.server, new URL('./server.mjs', import.meta.url), [row.app], {
      env: { ...process.env, BENCH_CONFIG: JSON.stringify(config), NODE_ENV: 'production' },
    });
    servers.push({ row, child, port: (await firstMessage(child, row.app)).port });
  }
  const run = (s, secs) => ask(loader, { port: s.port, repeated: s.row.tokens === 'repeated', seconds: secs, connections });
  for (const s of servers) await run(s, 2);
  const samples = servers.map(() => []);
  for (let i = 0; i < pairs; i++) {
    for (const k of i % 2 ? [1, 0] : [0, 1]) {
      const s = servers[k];
      await run(s, 0.3);
      const before = await ask(s.child, { usage: true });
      const { result } = await run(s, seconds);
      const after = await ask(s.child, { usage: true });
      if (result.non2xx + result.errors > 0) throw new Error(`${s.row.app}: ${result.non2xx + result.errors} failed requests`);
      samples[k].push({ perSecond: result.perSecond, cpuPerRequest: (after.cpuMicros - before.cpuMicros) / result.requests });
    }
  }
  const [a, b] = samples;
  const rps = ratioOf(a.map((x) => x.perSecond), b.map((x) => x.perSecond));
  const cpu = ratioOf(b.map((x) => x.cpuPerRequest), a.map((x) => x.cpuPerRequest));
  const fmt = (r) => `${(r.median * 100).toFixed(1)}% (${(r.min * 100).toFixed(0)}–${(r.max * 100).toFixed(0)})`;
  console.log(`${alg}, ${connections} connections, ${pairs} pairs of ${seconds} s samples, ${cores ? 'pinned' : 'not pinned'}:`);
  for (const [k, s] of servers.entries()) {
    const r = spread(samples[k].map((x) => x.perSecond));
    const c = spread(samples[k].map((x) => x.cpuPerRequest));
    console.log(`  ${s.row.label}: ${Math.round(r.median)} req/s (${Math.round(r.min)}–${Math.round(r.max)}), ${c.median.toFixed(1)} µs CPU/req`);
  }
  console.log(`  ${picked[0].app} / ${picked[1].app}: req/s ${fmt(rps)}; by CPU per request ${fmt(cpu)}`);
} finally {
  for (const s of servers) s.child.disconnect();
  loader.disconnect();
  await jwks.close();
}
