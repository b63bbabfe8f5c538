import { loadConfig, type Config } from '../config/load.js';
import type { Store } from '../store/index.js';
import type { Registry } from '../clients/registry.js';
import type { Keyring } from '../keys/keyring.js';
import type { AuditEvent } from '../audit/trail.js';

export interface GlobalOptions {
  config?: string;
  json?: boolean;
}

export interface CliContext {
  config: Config;
  store: Store;
  registry: Registry;
  keyring(): Keyring;
  /** Records an audit event with the CLI as the actor. */
  audit(event: Omit<AuditEvent, 'actor'>): void;
}

/** Loads config and opens the store for one command, closing it afterwards. */
export async function withStore<T>(options: GlobalOptions, fn: (ctx: CliContext) => Promise<T>): Promise<T> {
  const config = loadConfig({ file: options.config });
  const [{ openStore }, { Registry }, { Keyring }, { ID_TOKEN_TTL }] = await Promise.all([
    import('../store/index.js'),
    import('../clients/registry.js'),
    import('../keys/keyring.js'),
    import('../tokens/lifetimes.js'),
  ]);
  const { AuditTrail } = await import('../audit/trail.js');
  const store = await openStore(config.database);
  try {
    const registry = new Registry(store, 0);
    const keyring = () =>
      new Keyring(store, config.secret, {
        algorithms: config.keys.algorithms,
        pollInterval: config.keys.poll_interval,
        maxTokenTtl: async () => Math.max(config.access_token_ttl, ID_TOKEN_TTL, ...(await store.apis.list()).map((a) => a.accessTokenTtl)),
      });
    const trail = new AuditTrail(store);
    try {
      return await fn({ config, store, registry, keyring, audit: (event) => trail.record({ ...event, actor: 'cli' }) });
    } finally {
      await trail.flush();
    }
  } finally {
    await store.close();
  }
}
