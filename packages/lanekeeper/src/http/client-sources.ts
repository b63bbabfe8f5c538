import { readFileSync } from 'node:fs';
import { ConfigError, type Config } from '../config/load.js';
import type { Registry } from '../clients/registry.js';
import type { Store } from '../store/index.js';
import { MetadataDocumentResolver } from '../clients/metadata-document-resolver.js';
import { defaultFetchDeps, type FetchDeps } from '../clients/safe-fetch.js';
import { DynamicRegistration } from '../clients/dynamic-registration.js';
import type { SigningAlg } from '../config/schema.js';

/** The ID-token algorithm for clients that do not choose one: RS256 when the server signs with it. */
export function defaultIdTokenAlg(config: Config): SigningAlg {
  return config.keys.algorithms.includes('RS256') ? 'RS256' : config.keys.algorithms[0]!;
}

function readCa(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`client_id_metadata_documents.development_fixture.ca_file: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

/** The Client ID Metadata Document resolver the config asks for, or undefined when they are off. */
export function metadataDocumentResolver(config: Config, store: Store, fetchDeps: Partial<FetchDeps> = {}): MetadataDocumentResolver | undefined {
  const cimd = config.client_id_metadata_documents;
  if (!cimd.enabled) return undefined;
  const fixture = cimd.development_fixture;
  return new MetadataDocumentResolver(
    store,
    {
      allowed: cimd.allowed,
      denied: cimd.denied,
      apis: cimd.apis,
      refreshTokens: cimd.refresh_tokens,
      idTokenAlg: defaultIdTokenAlg(config),
      timeoutMs: Math.round(cimd.fetch_timeout * 1000),
      maxBytes: cimd.max_bytes,
      ...(fixture ? { loopbackFixture: { origin: new URL(fixture.origin).origin, ca: fixture.ca ?? readCa(fixture.ca_file!) } } : {}),
    },
    { ...defaultFetchDeps, ...fetchDeps },
  );
}

/**
 * Dynamic registration as the config describes it. Built even when registration is off, so
 * clients registered earlier keep getting their rights from the current policy; the
 * registration endpoint is served only when it is on.
 */
export function dynamicRegistration(config: Config, store: Store, registry: Registry, endpoint: () => string): DynamicRegistration {
  const dcr = config.dynamic_registration;
  return new DynamicRegistration(
    store,
    registry,
    {
      initialAccessToken: dcr.initial_access_token,
      apis: dcr.apis,
      refreshTokens: dcr.refresh_tokens,
      idTokenAlg: defaultIdTokenAlg(config),
      perIp: dcr.rate_limit.per_ip,
      window: dcr.rate_limit.window,
    },
    endpoint,
  );
}
