import type { Keyring } from '../keys/keyring.js';
import type { Registry } from '../clients/registry.js';
import type { Store } from '../store/index.js';
import type { UserDirectory } from '../users/directory.js';
import type { LanekeeperHooks } from '../tokens/hooks.js';
import type { DpopSettings } from '../dpop/proof.js';
import type { AuditTrail } from '../audit/trail.js';

export interface LifetimeOverrides {
  confidential: { access_token?: number; refresh_token?: number; refresh_token_idle?: number };
  public: { access_token?: number; refresh_token?: number; refresh_token_idle?: number };
}

/** What the protocol functions need: no HTTP in here. */
export interface OAuthContext {
  /** The issuer identifier (no trailing slash). */
  issuer(): string;
  store: Store;
  keys: Keyring;
  registry: Registry;
  users: UserDirectory;
  hooks: LanekeeperHooks;
  /** Default access-token lifetime when an API sets none, seconds. */
  accessTokenTtl: number;
  lifetimes: LifetimeOverrides;
  /** Browser session lifetime, seconds. */
  sessionTtl: number;
  /** A session unused this long ends (0: no idle limit). */
  sessionIdle: number;
  login: { maxFailures: number; maxFailuresPerIp: number; window: number };
  /** Token requests per client per window (0: off). */
  tokenRateLimit: { limit: number; window: number };
  dpop: DpopSettings;
  audit: AuditTrail;
}

export function endpoints(issuer: string) {
  return {
    authorization: `${issuer}/authorize`,
    token: `${issuer}/token`,
    introspection: `${issuer}/introspect`,
    revocation: `${issuer}/revoke`,
    jwks: `${issuer}/jwks`,
    userinfo: `${issuer}/userinfo`,
    endSession: `${issuer}/logout`,
    login: `${issuer}/login`,
    consent: `${issuer}/consent`,
  };
}
