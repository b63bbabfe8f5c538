export { loadConfig, ConfigError, type Config, type LoadOptions } from './config/load.js';
export { startServer, type RunningServer, type StartOptions } from './http/server.js';
export { openStore, type Store } from './store/index.js';
export { Keyring } from './keys/keyring.js';
export { Registry, RegistryError } from './clients/registry.js';
export { OAuthError } from './oauth/errors.js';
export { PREFIX, GRANT_CLAIM } from './util/prefixes.js';
