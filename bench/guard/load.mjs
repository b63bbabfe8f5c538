// One bounded autocannon run: GET /calendar with a bearer token from `tokens`. The requests
// are built once (autocannon keeps the bytes of requests without a setupRequest) and every
// connection sends them in turn, so consecutive requests on a connection carry different
// tokens (unless the list has one), and the load generator's cost per request is the same
// whatever the row.
import autocannon from 'autocannon';

/**
 * @param {{ port: number, tokens: string[], seconds: number, connections: number }} options
 * @returns {Promise<{ requests: number, seconds: number, perSecond: number, non2xx: number, errors: number, p50Ms: number, p99Ms: number }>}
 */
export async function load({ port, tokens, seconds, connections }) {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    pipelining: 1,
    duration: seconds,
    requests: tokens.map((t) => ({ method: 'GET', path: '/calendar', headers: { authorization: `Bearer ${t}` } })),
  });
  const requests = result.requests.total;
  return {
    requests,
    seconds: result.duration,
    perSecond: requests / result.duration,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  };
}
