// Raw node:crypto signing rate on one core (the harness pins this process): the floor under
// any server that signs one JWT per request.
import { createPrivateKey, sign } from 'node:crypto';
import { benchSecrets } from './setup.mjs';

const [alg, secondsArg] = process.argv.slice(2);
const s = benchSecrets();
const key = createPrivateKey({ key: alg === 'ES256' ? s.es256 : s.rs256, format: 'jwk' });
const input = Buffer.from('eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCJ9.' + Buffer.from(JSON.stringify({ iss: 'http://127.0.0.1:1', sub: 'bench-machine', aud: 'https://api.bench.example/rs256', exp: 1, iat: 1, jti: 'x'.repeat(22), client_id: 'bench-machine', scope: 'read' })).toString('base64url'));
const options = alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key;
const end = performance.now() + 500;
while (performance.now() < end) sign('sha256', input, options);
let n = 0;
const t0 = performance.now();
const stopAt = t0 + Number(secondsArg) * 1000;
while (performance.now() < stopAt) {
  for (let i = 0; i < 20; i++) sign('sha256', input, options);
  n += 20;
}
process.send({ ready: true, signsPerSecond: n / ((performance.now() - t0) / 1000) });
process.disconnect();
