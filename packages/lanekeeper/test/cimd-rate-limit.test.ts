import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, baseConfig } from './helpers/server.js';

test('authorization requests with a URL client_id are rate-limited per IP address (429 with Retry-After)', async () => {
  const server = await startTestServer('sqlite', { ...baseConfig(), client_id_metadata_documents: { rate_limit_per_ip: 2 } });
  try {
    const url = `${server.url}/authorize?client_id=${encodeURIComponent('https://apps.example.com/client.json')}&redirect_uri=${encodeURIComponent('https://apps.example.com/cb')}&response_type=code`;
    for (let i = 0; i < 2; i++) {
      const res = await fetch(url, { redirect: 'manual' });
      assert.equal(res.status, 400, 'metadata documents are off here: an error page, and no fetch');
    }
    const limited = await fetch(url, { redirect: 'manual' });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '60');
    assert.equal(limited.headers.get('location'), null);
    const ordinary = await fetch(`${server.url}/authorize?client_id=sync-job&redirect_uri=x&response_type=code`, { redirect: 'manual' });
    assert.equal(ordinary.status, 400, 'ordinary client_ids are not counted');
  } finally {
    await server.stop();
  }
});
