#!/usr/bin/env node
// Profiles one benchmark row: its server runs under `node --cpu-prof` (pinned like in the
// benchmark), is loaded for a few seconds, and the functions that took the most CPU (self
// time, summed by function and file) are printed. The .cpuprofile file stays under
// bench/.cache/profiles for Chrome DevTools.
//
//   node bench/guard/profile.mjs <app> [--alg=RS256] [--seconds=5] [--connections=10] [--top=25]
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ask, cores, firstMessage, pinSelf, spawnOn } from './cores.mjs';
import { loadFixture } from './fixture.mjs';
import { startJwksServer } from './issuer.mjs';
import { rows } from './rows.mjs';

const [app, ...rest] = process.argv.slice(2);
const args = Object.fromEntries(rest.map((a) => a.replace(/^--/, '').split('=')));
const row = rows.find((r) => r.app === app);
if (!row) {
  console.error(`usage: node bench/guard/profile.mjs <${rows.map((r) => r.app).join('|')}> [--alg=RS256|ES256] [--seconds=5]`);
  process.exit(2);
}
const alg = args.alg ?? 'RS256';
const seconds = Math.min(Number(args.seconds ?? 5), 60);
const connections = Number(args.connections ?? 10);
const top = Number(args.top ?? 25);

pinSelf(cores?.load ?? 0);
const fixture = await loadFixture({ alg, count: 2000 });
const jwks = await startJwksServer(fixture.publicJwk);
const dir = new URL(`../.cache/profiles/${app}-${alg}-${Date.now()}/`, import.meta.url);
mkdirSync(dir, { recursive: true });
const server = spawnOn(cores?.server, new URL('./server.mjs', import.meta.url), [app], {
  env: { ...process.env, BENCH_CONFIG: JSON.stringify({ alg, publicJwk: fixture.publicJwk, jwksUri: jwks.jwksUri }), NODE_ENV: 'production' },
  nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${fileURLToPath(dir)}`],
});
const { port } = await firstMessage(server, app);
const loader = spawnOn(cores?.load, new URL('./loadgen.mjs', import.meta.url), [fixture.file.pathname]);
await firstMessage(loader, 'the load generator');
const warm = await ask(loader, { port, repeated: row.tokens === 'repeated', seconds: 1, connections });
const { result } = await ask(loader, { port, repeated: row.tokens === 'repeated', seconds, connections });
const requests = warm.result.requests + result.requests;
loader.disconnect();
await new Promise((resolve) => {
  server.once('exit', resolve);
  server.disconnect();
});
await jwks.close();

const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
const profile = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
// Self time per node from the samples, then summed by function and location.
const interval = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  interval.set(profile.samples[i], (interval.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
}
const total = [...interval.values()].reduce((a, b) => a + b, 0);
const byFunction = new Map();
for (const node of profile.nodes) {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(packages|bench)\//, '$1/')}:${lineNumber + 1}` : '';
  const key = `${functionName || '(anonymous)'} ${where}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + (interval.get(node.id) ?? 0));
}
console.log(`${app}, ${alg}: ${Math.round(result.perSecond)} req/s over ${seconds} s; profile ${fileURLToPath(new URL(file, dir))}`);
const idle = byFunction.get('(idle) ') ?? 0;
console.log(`busy ${((total - idle) / requests).toFixed(1)} µs per request (profiled time of the whole process, start-up included, over ${requests} requests)`);
console.log('self time   µs/req  function');
for (const [key, micros] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${((micros / total) * 100).toFixed(1).padStart(8)}%  ${(micros / requests).toFixed(2).padStart(6)}  ${key}`);
}
