// The guard's own cost per token, without HTTP: `verifyRequest` (what the adapters call) on
// distinct tokens with the verified-token cache off, against the raw node:crypto check of
// apps.mjs (signature and payload parse only), alternating in one process on one core.
// The HTTP rows of run.mjs add the framework's ~30 µs to both sides and the noise of two
// processes; this isolates what the guard adds around the signature.
//
// With --flush=MB, each call is timed alone after reading MB megabytes of other data, which
// evicts the caches as a server's other work does between requests: code and data the guard
// touches are then fetched again on every call (a median per call, not a loop's average).
// This is where the guard's footprint shows: on this machine it costs 2-4× the warm overhead.
//   node bench/guard/inprocess.mjs [--alg=ES256|RS256] [--rounds=11] [--count=20000] [--flush=4]
import { createGuard } from '@lanekeeper/guard';
import { verifyRequest } from '../../packages/guard/dist/guard.js';
import { rawVerifier } from './apps.mjs';
import { AUDIENCE, ISSUER, SCOPE, loadFixture } from './fixture.mjs';

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const rounds = Number(arg('rounds', 11));
const flushMb = Number(arg('flush', 0));
const count = Number(arg('count', flushMb > 0 ? 2000 : 20000));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const alg of arg('alg', 'ES256,RS256').split(',')) {
  const fixture = await loadFixture({ alg, count: 200 });
  const raw = rawVerifier(fixture);
  const jwks = { keys: [fixture.publicJwk] };
  const guard = createGuard({ issuer: ISSUER, audience: AUDIENCE, jwksUri: 'https://issuer.bench.lanekeeper.test/jwks', cache: false, fetch: async () => Response.json(jwks) });
  await guard.ready();
  const requests = fixture.tokens.map((token) => ({ method: 'GET', url: '/calendar', headers: { host: 'api.bench', authorization: `Bearer ${token}` }, rawHeaders: ['Host', 'api.bench', 'Authorization', `Bearer ${token}`] }));
  const requirements = { scopes: [SCOPE] };

  const other = new Float64Array(flushMb * 131072);
  let sink = 0;
  const time = (check) => {
    if (flushMb > 0) {
      const each = [];
      for (let i = 0; i < count; i++) {
        for (let j = 0; j < other.length; j += 8) sink += other[j]; // one read per 64-byte line
        const started = process.hrtime.bigint();
        const principal = check(requests[i % requests.length]);
        each.push(Number(process.hrtime.bigint() - started) / 1000);
        if (principal === undefined || principal instanceof Promise) throw new Error('every token must be accepted at once');
      }
      return median(each);
    }
    const started = process.hrtime.bigint();
    for (let i = 0; i < count; i++) {
      const principal = check(requests[i % requests.length]);
      if (principal === undefined || principal instanceof Promise) throw new Error('every token must be accepted at once');
    }
    return Number(process.hrtime.bigint() - started) / count / 1000;
  };
  const rawCheck = (request) => raw(request.headers.authorization);
  const guardCheck = (request) => verifyRequest(guard, request, requirements);
  time(rawCheck);
  time(guardCheck); // warm-up
  const ratios = [];
  const rawTimes = [];
  const guardTimes = [];
  for (let r = 0; r < rounds; r++) {
    const a = time(rawCheck);
    const b = time(guardCheck);
    rawTimes.push(a);
    guardTimes.push(b);
    ratios.push(a / b);
  }
  const share = median(ratios) * 100;
  console.log(
    `${alg}: raw node:crypto ${median(rawTimes).toFixed(1)} µs/token, guard ${median(guardTimes).toFixed(1)} µs/token ` +
      `(+${(median(guardTimes) - median(rawTimes)).toFixed(1)} µs): guard at ${share.toFixed(1)}% of the raw check's rate ` +
      `(min–max ${(Math.min(...ratios) * 100).toFixed(1)}–${(Math.max(...ratios) * 100).toFixed(1)}%, ${rounds} rounds of ${count}` +
      `${flushMb > 0 ? `, each call after reading ${flushMb} MB of other data` : ''})`,
  );
}
