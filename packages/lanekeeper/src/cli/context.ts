import { loadConfig, type Config } from '../config/load.js';
import type { Store } from '../store/index.js';
import type { Registry } from '../clients/registry.js';
import type { Keyring } from '../keys/keyring.js';

export interface GlobalOptions {
  config?: string;
  json?: boolean;
}

export interface CliContext {
  config: Config;
  store: Store;
  registry: Registry;
  keyring(): Keyring;
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
  const store = await openStore(config.database);
  try {
    const registry = new Registry(store, 0);
    const keyring = () =>
      new Keyring(store, config.secret, {
        algorithms: config.keys.algorithms,
        pollInterval: config.keys.poll_interval,
        maxTokenTtl: async () => Math.max(config.access_token_ttl, ID_TOKEN_TTL, ...(await store.apis.list()).map((a) => a.accessTokenTtl)),
      });
    return await fn({ config, store, registry, keyring });
  } finally {
    await store.close();
  }
}
