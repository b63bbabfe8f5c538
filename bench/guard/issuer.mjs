// The benchmark's issuer, as far as APIs see it: a JWKS on 127.0.0.1. Fetched once per
// server at startup; it plays no part in the measured requests.
import { createServer } from 'node:http';

/** @returns {Promise<{ jwksUri: string, close(): Promise<void> }>} */
export async function startJwksServer(publicJwk) {
  const body = JSON.stringify({ keys: [publicJwk] });
  const server = createServer((req, res) => {
    if (req.url === '/jwks') res.writeHead(200, { 'content-type': 'application/jwk-set+json', 'cache-control': 'max-age=3600' }).end(body);
    else res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    jwksUri: `http://127.0.0.1:${server.address().port}/jwks`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
