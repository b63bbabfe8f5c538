// The rows of the token benchmark: what server each starts and what request it sends.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { API, CACHE, MACHINE_CLIENT, INTROSPECTION_CLIENT, WEB_CLIENT, basic, benchSecrets, writeLanekeeperConfig } from './lib/setup.mjs';
import { bigPostgres, bigSqlite, loginJob, passwordHashParameters, refreshTokens } from './lib/fixtures.mjs';
import { loginOnce } from './lib/login-flow.mjs';
import { dpopProver } from './lib/dpop-proof.mjs';
import { rawSignsPerSecond } from './lib/harness.mjs';

const FORM = 'application/x-www-form-urlencoded';

function freshDir(name) {
  const dir = join(CACHE, 'runs', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A Lanekeeper server on a new, empty SQLite database. */
function lanekeeperEmpty(name) {
  const dir = freshDir(name);
  return { script: 'servers/lanekeeper.mjs', args: [writeLanekeeperConfig(dir, { database: `sqlite:${join(dir, 'lanekeeper.db')}` })] };
}

const ccBody = (api) => `grant_type=client_credentials&scope=read&resource=${encodeURIComponent(api)}`;

/** Sends one request before the load, so a misconfigured row fails loudly instead of measuring errors. */
async function check(url, job, expect) {
  const res = await fetch(url + job.path, { method: job.method, headers: job.headers, body: job.body });
  const body = await res.json().catch(() => ({}));
  if (res.status !== 200 || !expect(body)) throw new Error(`sanity request: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

function jwtAlg(token) {
  return JSON.parse(Buffer.from(String(token).split('.')[0], 'base64url').toString()).alg;
}

function ccJob(alg, api) {
  return async ({ url }) => {
    const job = { method: 'POST', path: '/token', headers: { authorization: basic(MACHINE_CLIENT, benchSecrets().machine), 'content-type': FORM }, body: ccBody(api) };
    await check(url, job, (b) => jwtAlg(b.access_token) === alg);
    return job;
  };
}

function ccRows(alg) {
  const api = alg === 'ES256' ? API.es256 : API.rs256;
  const group = `cc-${alg.toLowerCase()}`;
  const title = `client_credentials, JWT ${alg}`;
  return [
    { id: `${group}-lanekeeper`, group, impl: 'lanekeeper', label: `${title}: Lanekeeper`, prepare: () => ({ server: lanekeeperEmpty(`${group}-lanekeeper`), job: ccJob(alg, api) }) },
    { id: `${group}-oidc-provider`, group, impl: 'oidc-provider', label: `${title}: oidc-provider`, prepare: () => ({ server: { script: 'servers/oidc-provider.mjs' }, job: ccJob(alg, api) }) },
    { id: `${group}-ceiling`, group, impl: 'ceiling', label: `${title}: ceiling (Basic + SHA-256 + one signature)`, prepare: () => ({ server: { script: 'servers/ceiling.mjs', args: ['jwt', alg] }, job: ccJob(alg, api) }), extra: alg === 'RS256' ? rawSign : undefined },
  ];
}

/** Raw node:crypto RS256 signs/s on the server's core: the floor under RS256 issuance. */
async function rawSign(plan) {
  return { rawRs256SignsPerSecond: (await rawSignsPerSecond('RS256', plan.quick ? 1 : 3)).signsPerSecond };
}

export const ROWS = [...ccRows('ES256'), ...ccRows('RS256')];

// ---- opaque tokens with 1,000,000 live tokens (and users) in SQLite; introspection ----
const INTROSPECT_TEMPLATE = 'token={token}';

function opaqueIssueJob() {
  return async ({ url }) => {
    const job = { method: 'POST', path: '/token', headers: { authorization: basic(MACHINE_CLIENT, benchSecrets().machine), 'content-type': FORM }, body: ccBody(API.opaque) };
    await check(url, job, (b) => typeof b.access_token === 'string' && !b.access_token.includes('.'));
    return job;
  };
}

/** Introspection by the API's own credentials, cycling through live tokens (oidc-provider's endpoint is /token/introspection). */
function introspectJob(tokensFile, path = '/introspect') {
  return async ({ url }) => {
    const [first] = JSON.parse(readFileSync(tokensFile, 'utf8'));
    const headers = { authorization: basic(INTROSPECTION_CLIENT, benchSecrets().introspection), 'content-type': FORM };
    await check(url, { method: 'POST', path, headers, body: `token=${encodeURIComponent(first)}` }, (b) => b.active === true);
    return { method: 'POST', path, headers, body: `token=${encodeURIComponent(first)}`, dynamic: { kind: 'cycle-tokens', file: tokensFile, template: INTROSPECT_TEMPLATE } };
  };
}

/** oidc-provider keeps tokens in memory (its LRU holds 1,000): a few hundred are minted to introspect. */
function oidcIntrospectJob(name) {
  return async ({ url }) => {
    const headers = { authorization: basic(MACHINE_CLIENT, benchSecrets().machine), 'content-type': FORM };
    const tokens = [];
    for (let i = 0; i < 500; i++) {
      const r = await fetch(url + '/token', { method: 'POST', headers, body: ccBody(API.opaque) });
      tokens.push((await r.json()).access_token);
    }
    const file = join(freshDir(name), 'tokens.json');
    writeFileSync(file, JSON.stringify(tokens));
    return introspectJob(file, '/token/introspection')({ url });
  };
}

const opaqueRows = [
  { id: 'opaque-issue-lanekeeper', group: 'opaque-issue', impl: 'lanekeeper', label: 'opaque token issue: Lanekeeper, SQLite with 1M live tokens and 1M users', prepare: async () => ({ server: { script: 'servers/lanekeeper.mjs', args: [writeLanekeeperConfig(freshDir('opaque-issue-lanekeeper'), { database: (await bigSqlite()).database })] }, job: opaqueIssueJob() }) },
  { id: 'opaque-issue-empty-lanekeeper', group: 'opaque-issue', impl: 'lanekeeper', label: 'opaque token issue: Lanekeeper, empty SQLite', prepare: () => ({ server: lanekeeperEmpty('opaque-issue-empty-lanekeeper'), job: opaqueIssueJob() }) },
  { id: 'opaque-issue-oidc-provider', group: 'opaque-issue', impl: 'oidc-provider', label: 'opaque token issue: oidc-provider, in memory', prepare: () => ({ server: { script: 'servers/oidc-provider.mjs' }, job: opaqueIssueJob() }) },
  { id: 'opaque-issue-ceiling', group: 'opaque-issue', impl: 'ceiling', label: 'opaque token issue: ceiling (Basic + SHA-256 + one SQLite insert, 1M rows)', prepare: async () => ({ server: { script: 'servers/ceiling.mjs', args: ['opaque-issue', 'ES256', (await bigSqlite()).dbPath] }, job: opaqueIssueJob() }) },
  { id: 'introspect-lanekeeper', group: 'introspect', impl: 'lanekeeper', label: 'introspection: Lanekeeper, SQLite with 1M live tokens', prepare: async () => { const big = await bigSqlite(); return { server: { script: 'servers/lanekeeper.mjs', args: [writeLanekeeperConfig(freshDir('introspect-lanekeeper'), { database: big.database })] }, job: introspectJob(big.tokensFile) }; } },
  { id: 'introspect-oidc-provider', group: 'introspect', impl: 'oidc-provider', label: 'introspection: oidc-provider, in memory', prepare: () => ({ server: { script: 'servers/oidc-provider.mjs' }, job: oidcIntrospectJob('introspect-oidc-provider') }) },
  { id: 'introspect-ceiling', group: 'introspect', impl: 'ceiling', label: 'introspection: ceiling (Basic + SHA-256 + one SQLite lookup, 1M rows)', prepare: async () => { const big = await bigSqlite(); return { server: { script: 'servers/ceiling.mjs', args: ['introspect', 'ES256', big.dbPath] }, job: introspectJob(big.tokensFile) }; } },
  { id: 'introspect-postgres-lanekeeper', group: 'introspect-postgres', impl: 'lanekeeper', label: 'introspection: Lanekeeper, PostgreSQL with 1M live tokens', prepare: async () => { const big = await bigPostgres(); return { server: { script: 'servers/lanekeeper.mjs', args: [writeLanekeeperConfig(freshDir('introspect-postgres-lanekeeper'), { database: big.database })] }, job: introspectJob(big.tokensFile) }; } },
];

// ---- refresh grant with rotation; full login; DPoP ----

/** Enough single-use refresh tokens for every request of the row, at up to 3,500/s. */
function refreshCount(plan) {
  return Math.ceil(plan.connections.length * (plan.warmup + plan.runs * plan.seconds) * 3500) + 1000;
}

const userRows = [
  {
    id: 'refresh-lanekeeper',
    group: 'refresh',
    impl: 'lanekeeper',
    label: 'refresh grant with rotation (access + ID token, ES256), SQLite',
    prepare: async (plan) => {
      const fixture = await refreshTokens(join(CACHE, 'runs', 'refresh-lanekeeper'), refreshCount(plan));
      return {
        server: { script: 'servers/lanekeeper.mjs', args: [fixture.config] },
        note: `${refreshCount(plan).toLocaleString('en-US')} refresh tokens pre-minted, each sent once`,
        job: async () => ({ method: 'POST', path: '/token', headers: { authorization: basic(WEB_CLIENT, benchSecrets().web), 'content-type': FORM }, body: '', dynamic: { kind: 'once-tokens', file: fixture.tokensFile, template: 'grant_type=refresh_token&refresh_token={token}' } }),
      };
    },
  },
  {
    id: 'login-lanekeeper',
    group: 'login',
    impl: 'lanekeeper',
    label: 'full login at HTTP level (authorize → login form → code → token), flows/s',
    prepare: () => {
      const server = lanekeeperEmpty('login-lanekeeper');
      return {
        server,
        job: async ({ issuer }) => {
          await loginOnce(loginJob(issuer));
          return { kind: 'login', login: loginJob(issuer), note: `argon2id parameters: ${await passwordHashParameters(join(CACHE, 'runs', 'login-lanekeeper', 'lanekeeper.db'))}` };
        },
      };
    },
  },
  {
    id: 'cc-es256-dpop-lanekeeper',
    group: 'cc-es256-dpop',
    impl: 'lanekeeper',
    label: 'client_credentials ES256 with a DPoP proof (checked, jti stored, token bound): Lanekeeper',
    prepare: () => ({
      server: lanekeeperEmpty('cc-es256-dpop-lanekeeper'),
      job: async ({ url, issuer }) => {
        const job = await ccJob('ES256', API.es256)({ url });
        const htu = `${issuer}/token`;
        const prove = dpopProver();
        await check(url, { ...job, headers: { ...job.headers, dpop: prove('POST', htu) } }, (b) => b.token_type === 'DPoP');
        return { ...job, dynamic: { kind: 'dpop', htu } };
      },
    }),
  },
  {
    id: 'cc-es256-nodpop-lanekeeper',
    group: 'cc-es256-dpop',
    impl: 'lanekeeper',
    label: 'client_credentials ES256 without DPoP (same run): Lanekeeper',
    prepare: () => ({ server: lanekeeperEmpty('cc-es256-nodpop-lanekeeper'), job: ccJob('ES256', API.es256) }),
  },
];

ROWS.push(...opaqueRows, ...userRows);
