// The rows of the token benchmark: what server each starts and what request it sends.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { API, CACHE, MACHINE_CLIENT, INTROSPECTION_CLIENT, basic, benchSecrets, writeLanekeeperConfig } from './lib/setup.mjs';

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
    { id: `${group}-ceiling`, group, impl: 'ceiling', label: `${title}: ceiling (Basic + SHA-256 + one signature)`, prepare: () => ({ server: { script: 'servers/ceiling.mjs', args: ['jwt', alg] }, job: ccJob(alg, api) }) },
  ];
}

export const ROWS = [...ccRows('ES256'), ...ccRows('RS256')];
