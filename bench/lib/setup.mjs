// What every benchmark row shares: the names, secrets and keys of the benchmark deployment,
// and the Lanekeeper config file written for each server under test.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeyPairSync, randomBytes } from 'node:crypto';

export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CACHE = join(BENCH_DIR, '.cache');

export const API = {
  es256: 'https://api.bench.example/es256',
  rs256: 'https://api.bench.example/rs256',
  opaque: 'https://api.bench.example/opaque',
};
export const MACHINE_CLIENT = 'bench-machine';
export const WEB_CLIENT = 'bench-web';
export const WEB_REDIRECT = 'https://app.bench.example/cb';
export const INTROSPECTION_CLIENT = 'bench-api-opaque';
export const USER = { email: 'bench@bench.example', password: 'correct horse battery staple' };
export const OPAQUE_SCOPE = 'read';

/** Secrets and keys made once and kept in bench/.cache (git-ignored), so cached databases stay usable. */
export function benchSecrets() {
  const file = join(CACHE, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  mkdirSync(CACHE, { recursive: true });
  const jwk = (type, options) => generateKeyPairSync(type, options).privateKey.export({ format: 'jwk' });
  const secrets = {
    deployment: randomBytes(32).toString('base64url'),
    // 256-bit client secrets, as `lanekeeper client add` makes them.
    machine: 'lk_cs_' + randomBytes(32).toString('base64url'),
    web: 'lk_cs_' + randomBytes(32).toString('base64url'),
    introspection: 'lk_as_' + randomBytes(32).toString('base64url'),
    // The peers' signing keys (Lanekeeper makes its own).
    es256: { ...jwk('ec', { namedCurve: 'P-256' }), alg: 'ES256', use: 'sig', kid: 'bench-es256' },
    rs256: { ...jwk('rsa', { modulusLength: 2048 }), alg: 'RS256', use: 'sig', kid: 'bench-rs256' },
  };
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}

export function basic(id, secret) {
  return 'Basic ' + Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');
}

/** The Lanekeeper config file of the benchmark deployment, as an operator would write it. */
export function lanekeeperConfig({ database, extraUsers = [] }) {
  const s = benchSecrets();
  return {
    port: 0,
    host: '127.0.0.1',
    database,
    secret: s.deployment,
    keys: { algorithms: ['ES256', 'RS256'] },
    // No background sweep during a measurement (it only deletes expired rows).
    maintenance: { sweep_interval: 0 },
    apis: [
      { identifier: API.es256, name: 'ES256 API', scopes: { read: 'Read', write: 'Write' }, token_format: 'jwt', signing_alg: 'ES256' },
      { identifier: API.rs256, name: 'RS256 API', scopes: { read: 'Read', write: 'Write' }, token_format: 'jwt', signing_alg: 'RS256' },
      { identifier: API.opaque, name: 'Opaque API', scopes: { read: 'Read', write: 'Write' }, token_format: 'opaque', signing_alg: 'ES256', client_id: INTROSPECTION_CLIENT, client_secret: s.introspection },
    ],
    clients: [
      { client_id: MACHINE_CLIENT, client_name: 'Bench machine', client_secret: s.machine, grant_types: ['client_credentials'], apis: { [API.es256]: ['read'], [API.rs256]: ['read'], [API.opaque]: ['read'] } },
      {
        client_id: WEB_CLIENT,
        client_name: 'Bench web app',
        client_secret: s.web,
        grant_types: ['authorization_code', 'refresh_token'],
        apis: { [API.es256]: ['read'] },
        redirect_uris: [WEB_REDIRECT],
        first_party: true,
        id_token_signed_response_alg: 'ES256',
      },
    ],
    users: [{ email: USER.email, password: USER.password, name: 'Bench User', email_verified: true, permissions: { [API.es256]: ['read'] } }, ...extraUsers],
  };
}

export function writeLanekeeperConfig(dir, options) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'lanekeeper.json');
  writeFileSync(file, JSON.stringify(lanekeeperConfig(options), null, 2), { mode: 0o600 });
  return file;
}
