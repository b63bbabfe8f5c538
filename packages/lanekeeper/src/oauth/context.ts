import type { Keyring } from '../keys/keyring.js';
import type { Registry } from '../clients/registry.js';
import type { Store } from '../store/index.js';

/** What the protocol functions need: no HTTP in here. */
export interface OAuthContext {
  /** The issuer identifier (no trailing slash). */
  issuer(): string;
  store: Store;
  keys: Keyring;
  registry: Registry;
  /** Default access-token lifetime when an API sets none, seconds. */
  accessTokenTtl: number;
}

export function endpoints(issuer: string) {
  return {
    token: `${issuer}/token`,
    introspection: `${issuer}/introspect`,
    revocation: `${issuer}/revoke`,
    jwks: `${issuer}/jwks`,
    userinfo: `${issuer}/userinfo`,
  };
}
