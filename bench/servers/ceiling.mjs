// The ceiling: the same route doing only the work no implementation can skip, on bare
// node:http. `jwt`: parse the form, Basic auth against a SHA-256 hash (constant-time), one
// signature. `opaque-issue`: the same auth, a random token, its SHA-256 stored in the same
// SQLite table shape. `introspect`: the same auth, one lookup by SHA-256 of the token.
import http from 'node:http';
import { createHash, createPrivateKey, randomBytes, sign, timingSafeEqual } from 'node:crypto';
import { API, MACHINE_CLIENT, INTROSPECTION_CLIENT, benchSecrets } from '../lib/setup.mjs';

const [mode, alg = 'ES256', dbPath] = process.argv.slice(2);
const s = benchSecrets();
const sha256 = (v) => createHash('sha256').update(v).digest();
const credentials = new Map([
  [MACHINE_CLIENT, sha256(s.machine)],
  [INTROSPECTION_CLIENT, sha256(s.introspection)],
]);
const key = createPrivateKey({ key: alg === 'ES256' ? s.es256 : s.rs256, format: 'jwk' });
const header = Buffer.from(JSON.stringify({ alg, typ: 'at+jwt', kid: alg === 'ES256' ? s.es256.kid : s.rs256.kid })).toString('base64url');

let db;
if (mode !== 'jwt') {
  const { default: SQLite } = await import('better-sqlite3');
  db = new SQLite(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
}
const insert = db?.prepare('insert into opaque_tokens (token_hash, grant_id, client_id, sub, aud, scope, jti, issued_at, expires_at, revoked_at, jkt) values (?, ?, ?, ?, ?, ?, ?, ?, ?, null, null)');
const lookup = db?.prepare('select * from opaque_tokens where token_hash = ?');

function authenticate(req) {
  const h = req.headers.authorization ?? '';
  const decoded = Buffer.from(h.slice(6), 'base64').toString();
  const colon = decoded.indexOf(':');
  const expected = credentials.get(decodeURIComponent(decoded.slice(0, colon)));
  return expected !== undefined && timingSafeEqual(sha256(decodeURIComponent(decoded.slice(colon + 1))), expected) ? decodeURIComponent(decoded.slice(0, colon)) : undefined;
}

function reply(res, status, body) {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const params = new URLSearchParams(Buffer.concat(chunks).toString());
    const clientId = authenticate(req);
    if (!clientId) return reply(res, 401, { error: 'invalid_client' });
    const now = Math.floor(Date.now() / 1000);
    if (mode === 'jwt') {
      const payload = Buffer.from(JSON.stringify({ iss: issuer, sub: clientId, aud: params.get('resource'), exp: now + 600, iat: now, jti: randomBytes(16).toString('base64url'), client_id: clientId, scope: params.get('scope') })).toString('base64url');
      const input = `${header}.${payload}`;
      const sig = sign('sha256', Buffer.from(input), alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key).toString('base64url');
      return reply(res, 200, { access_token: `${input}.${sig}`, token_type: 'Bearer', expires_in: 600, scope: params.get('scope') });
    }
    if (mode === 'opaque-issue') {
      const token = 'lk_at_' + randomBytes(32).toString('base64url');
      insert.run(sha256(token).toString('base64url'), 'lk_gr_' + randomBytes(16).toString('base64url'), clientId, clientId, JSON.stringify([API.opaque]), params.get('scope'), randomBytes(16).toString('base64url'), now, now + 600);
      return reply(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 600, scope: params.get('scope') });
    }
    const row = lookup.get(sha256(params.get('token') ?? '').toString('base64url'));
    if (!row || row.expires_at <= now || row.revoked_at !== null) return reply(res, 200, { active: false });
    return reply(res, 200, { active: true, iss: issuer, sub: row.sub, client_id: row.client_id, aud: JSON.parse(row.aud)[0], scope: row.scope, exp: row.expires_at, iat: row.issued_at, jti: row.jti, token_type: 'Bearer' });
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;
process.send({ ready: true, url: issuer, issuer });
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('disconnect', stop);
