/**
 * Operator mode's view of a deployment: its config, its database, and from them the current
 * signing keys, the API under test, a client of it and another API, all read, nothing changed
 * (apart from creating signing keys the deployment would create at its next start anyway).
 */
import { loadConfig } from '../config/load.js';
import type { Store } from '../store/index.js';
import type { Deployment } from './probe-cases.js';

export class ProbeSetupError extends Error {
  override name = 'ProbeSetupError';
}

export interface OpenDeployment {
  deployment: Deployment;
  /** Notes for the report (e.g. an alg fallback). */
  notes: string[];
  close(): Promise<void>;
}

/** Another API of the deployment, as the "token for another API" audience. */
async function otherAudience(store: Store, identifier: string): Promise<string> {
  const other = (await store.apis.list()).find((a) => a.identifier !== identifier);
  return other?.identifier ?? 'https://another-api.invalid/';
}

/** A client that may use the API (one that gets ID tokens first), else any client. */
async function clientOf(store: Store, identifier: string): Promise<{ id: string; idTokenAlg: string }> {
  const clients = await store.clients.list();
  const ofApi = clients.filter((c) => identifier in c.apis);
  const pick = ofApi.find((c) => c.grantTypes.includes('authorization_code')) ?? ofApi[0] ?? clients.find((c) => c.grantTypes.includes('authorization_code')) ?? clients[0];
  return pick ? { id: pick.clientId, idTokenAlg: pick.idTokenSignedResponseAlg } : { id: 'probe-client', idTokenAlg: 'RS256' };
}

export async function openDeployment(o: { configFile?: string | undefined; api: string; issuer?: string | undefined; env?: NodeJS.ProcessEnv }): Promise<OpenDeployment> {
  const config = loadConfig({ file: o.configFile, ...(o.env ? { env: o.env } : {}) });
  const issuer = o.issuer ?? config.issuer;
  if (!issuer) {
    throw new ProbeSetupError('the config names no issuer (the server then uses http://127.0.0.1:<its port>): give --issuer URL');
  }
  const [{ openStore }, { Keyring }] = await Promise.all([import('../store/index.js'), import('../keys/keyring.js')]);
  const store = await openStore(config.database);
  try {
    const api = await store.apis.get(o.api);
    if (!api) throw new ProbeSetupError(`this deployment has no API ${o.api} (see lanekeeper api list)`);
    const keys = new Keyring(store, config.secret, {
      algorithms: config.keys.algorithms,
      pollInterval: config.keys.poll_interval,
      maxTokenTtl: async () => config.access_token_ttl,
    });
    await keys.init();
    const notes: string[] = [];
    const available = keys.algorithms();
    let alg = api.signingAlg;
    if (!available.includes(alg as never)) {
      alg = available[0] ?? 'ES256';
      notes.push(`the API's ${api.signingAlg} is not among the deployment's key algorithms; ${alg} used`);
    }
    const client = await clientOf(store, api.identifier);
    if (!available.includes(client.idTokenAlg as never)) client.idTokenAlg = alg;
    const deployment: Deployment = {
      issuer,
      api: { identifier: api.identifier, alg, scopes: Object.keys(api.scopes), ttl: api.accessTokenTtl },
      otherAudience: await otherAudience(store, api.identifier),
      client,
      keys,
    };
    return { deployment, notes, close: () => store.close() };
  } catch (error) {
    await store.close();
    throw error;
  }
}
