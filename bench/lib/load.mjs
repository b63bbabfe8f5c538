// The load generator: its own process (pinned to the other core by the harness), driven over
// IPC. Each `run` message is one bounded autocannon run (or, for the login row, a bounded
// loop of whole browser logins); the reply carries what the harness tabulates.
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { dpopProver } from './dpop-proof.mjs';
import { runLoginFlows } from './login-flow.mjs';

/** Token lists by file, with where each stands: single-use ones carry on across runs. */
const tokenLists = new Map();
let prove;

/** Per-request bodies or headers that cannot repeat (single-use refresh tokens, DPoP proofs). */
function dynamicRequest(job) {
  const d = job.dynamic;
  if (!d) return undefined;
  if (d.kind === 'cycle-tokens' || d.kind === 'once-tokens') {
    if (!tokenLists.has(d.file)) tokenLists.set(d.file, { tokens: JSON.parse(readFileSync(d.file, 'utf8')), next: 0 });
    const list = tokenLists.get(d.file);
    return (req) => {
      if (list.next >= list.tokens.length) {
        // Single-use tokens are never sent twice: once they run out, requests carry an unknown
        // token, are refused, and the row shows as INVALID.
        if (d.kind === 'once-tokens') return { ...req, body: d.template.replace('{token}', 'exhausted') };
        list.next = 0;
      }
      const t = list.tokens[list.next++];
      return { ...req, body: d.template.replace('{token}', encodeURIComponent(t)) };
    };
  }
  if (d.kind === 'dpop') {
    prove ??= dpopProver();
    return (req) => ({ ...req, headers: { ...req.headers, dpop: prove('POST', d.htu) } });
  }
  throw new Error(`unknown dynamic kind ${d.kind}`);
}

async function runAutocannon(job) {
  const setup = dynamicRequest(job);
  const request = { method: job.method, path: job.path, headers: job.headers, ...(job.body !== undefined ? { body: job.body } : {}) };
  const instance = autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.duration,
    timeout: 10,
    requests: [setup ? { ...request, setupRequest: setup } : request],
  });
  const firstFailures = [];
  instance.on('response', (client, statusCode, resBytes) => {
    if ((statusCode < 200 || statusCode > 299) && firstFailures.length < 3) firstFailures.push(statusCode);
  });
  const r = await instance;
  return {
    requests: r.requests.total,
    seconds: r.duration,
    rps: r.requests.total / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    firstFailures,
  };
}

process.on('message', async (job) => {
  try {
    const result = job.kind === 'login' ? await runLoginFlows(job) : await runAutocannon(job);
    process.send({ ok: true, result });
  } catch (err) {
    process.send({ ok: false, error: String(err?.stack ?? err) });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
