import type { ApiConfig, ClientConfig } from '../config/schema.js';
import type { ApiRecord, ClientRecord, Store } from '../store/index.js';
import { nowSeconds } from '../store/index.js';
import { TtlCache } from '../util/ttl-cache.js';
import { hashSecret } from './secrets.js';
import { looksLikeMetadataDocumentUrl } from './metadata-document.js';
import type { ClientLookup, MetadataDocumentResolver } from './metadata-document-resolver.js';

export type { ClientLookup } from './metadata-document-resolver.js';

/** Where clients that are not (only) rows of the clients table come from. */
export interface ClientSources {
  /** Client ID Metadata Documents: client_ids that are https URLs. */
  metadataDocuments?: MetadataDocumentResolver;
  /** Completes a dynamically registered client (its rights come from the registration policy at every read). */
  dynamic?: (stored: ClientRecord) => Promise<ClientRecord>;
}

const NOT_REGISTERED: ClientLookup = { client: undefined, problem: 'the app that sent you here is not registered for sign-in' };
const NO_METADATA_DOCUMENTS: ClientLookup = {
  client: undefined,
  problem: 'the app identifies itself by a URL (a Client ID Metadata Document), which this server does not accept; ask its administrator to register the app',
};

/** Thrown when a client or API definition is refused; the message is meant for a person. */
export class RegistryError extends Error {
  override name = 'RegistryError';
}

/** Prefix reserved for identifiers the server generates (user subjects, grants, tokens). */
const RESERVED_ID_PREFIX = 'lk_';

/** The built-in first-party app behind the account page: it signs people in like any app. */
export const ACCOUNT_CLIENT_ID = 'lk_account';

export interface ClientInput extends Omit<ClientConfig, 'client_secret'> {
  /** A plain secret to hash, or an already computed hash. */
  client_secret?: string;
  secret_hash?: string | null;
}

export interface ApiInput extends Omit<ApiConfig, 'client_secret'> {
  client_secret?: string;
  secret_hash?: string | null;
}

/**
 * The registry of clients and APIs. Reads are cached briefly (changes reach every node
 * within `cacheTtlMs`, 2 s by default).
 */
export class Registry {
  private readonly clientCache: TtlCache<string, ClientLookup>;
  private sources: ClientSources = {};
  private readonly apiCache: TtlCache<string, ApiRecord | null>;
  private accountClient: ClientRecord | undefined;

  constructor(
    private readonly store: Store,
    cacheTtlMs = 2000,
  ) {
    this.clientCache = new TtlCache(cacheTtlMs);
    this.apiCache = new TtlCache(cacheTtlMs);
  }

  /** Enables the built-in account app, whose redirect URI depends on the issuer. */
  enableAccountClient(redirectUri: string): void {
    this.accountClient = {
      clientId: ACCOUNT_CLIENT_ID,
      clientName: 'Your account',
      secretHash: null,
      tokenEndpointAuthMethod: 'none',
      grantTypes: ['authorization_code'],
      apis: {},
      defaultApi: null,
      jwks: null,
      jwksUri: null,
      redirectUris: [redirectUri],
      postLogoutRedirectUris: [],
      firstParty: true,
      idTokenSignedResponseAlg: 'RS256',
      dpopBoundAccessTokens: false,
      backchannelLogoutUri: null,
      backchannelLogoutSessionRequired: false,
      source: 'config',
      createdAt: 0,
      updatedAt: 0,
    };
  }

  /** Adds the client sources beyond the clients table (see ClientSources). */
  useClientSources(sources: ClientSources): void {
    this.sources = sources;
    this.forget();
  }

  /** The Client ID Metadata Document resolver, when such client_ids are accepted. */
  get metadataDocuments(): MetadataDocumentResolver | undefined {
    return this.sources.metadataDocuments;
  }

  async getClient(clientId: string): Promise<ClientRecord | undefined> {
    return (await this.lookupClient(clientId)).client;
  }

  /** The client, or why there is none (for the authorization endpoint's error page). */
  async lookupClient(clientId: string): Promise<ClientLookup> {
    if (clientId === ACCOUNT_CLIENT_ID) return this.accountClient ? { client: this.accountClient } : NOT_REGISTERED;
    const cached = this.clientCache.get(clientId);
    if (cached !== undefined) return cached;
    const found = await this.lookupUncached(clientId);
    this.clientCache.set(clientId, found);
    return found;
  }

  private async lookupUncached(clientId: string): Promise<ClientLookup> {
    const stored = await this.store.clients.get(clientId);
    if (stored) return { client: stored.source === 'dynamic' && this.sources.dynamic ? await this.sources.dynamic(stored) : stored };
    if (this.sources.metadataDocuments?.handles(clientId)) return this.sources.metadataDocuments.resolve(clientId);
    return looksLikeMetadataDocumentUrl(clientId) ? NO_METADATA_DOCUMENTS : NOT_REGISTERED;
  }

  async getApi(identifier: string): Promise<ApiRecord | undefined> {
    const cached = this.apiCache.get(identifier);
    if (cached !== undefined) return cached ?? undefined;
    const found = await this.store.apis.get(identifier);
    this.apiCache.set(identifier, found ?? null);
    return found;
  }

  async getApiByClientId(clientId: string): Promise<ApiRecord | undefined> {
    const key = `\u0000${clientId}`;
    const cached = this.apiCache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const found = await this.store.apis.getByIntrospectionClientId(clientId);
    this.apiCache.set(key, found ?? null);
    return found;
  }

  forget(): void {
    this.clientCache.clear();
    this.apiCache.clear();
  }

  async saveApi(input: ApiInput, source: ApiRecord['source']): Promise<ApiRecord> {
    if (input.client_id !== undefined) {
      if (input.client_id.startsWith(RESERVED_ID_PREFIX)) throw new RegistryError(`api ${input.identifier}: client_id may not start with "${RESERVED_ID_PREFIX}"`);
      if (await this.store.clients.get(input.client_id)) throw new RegistryError(`api ${input.identifier}: client_id "${input.client_id}" is already a client's id`);
      const other = await this.store.apis.getByIntrospectionClientId(input.client_id);
      if (other && other.identifier !== input.identifier) throw new RegistryError(`api ${input.identifier}: client_id "${input.client_id}" is already used by ${other.identifier}`);
    }
    if (input.client_id === undefined && input.client_secret !== undefined) throw new RegistryError(`api ${input.identifier}: client_secret needs a client_id`);
    const existing = await this.store.apis.get(input.identifier);
    const now = nowSeconds();
    const secretHash = input.client_secret !== undefined ? hashSecret(input.client_secret) : (input.secret_hash ?? existing?.introspectionSecretHash ?? null);
    const record: ApiRecord = {
      identifier: input.identifier,
      name: input.name ?? input.identifier,
      scopes: input.scopes,
      tokenFormat: input.token_format,
      signingAlg: input.signing_alg,
      accessTokenTtl: input.access_token_ttl,
      introspectionClientId: input.client_id ?? null,
      introspectionSecretHash: input.client_id ? secretHash : null,
      source,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    await this.store.apis.upsert(record);
    this.forget();
    return record;
  }

  async saveClient(input: ClientInput, source: ClientRecord['source']): Promise<ClientRecord> {
    const id = input.client_id;
    if (id.startsWith(RESERVED_ID_PREFIX)) throw new RegistryError(`client ${id}: client_id may not start with "${RESERVED_ID_PREFIX}" (reserved for user subjects and server ids)`);
    if (await this.store.apis.getByIntrospectionClientId(id)) throw new RegistryError(`client ${id}: that id is already an API's client_id`);
    const method = input.token_endpoint_auth_method;
    const existing = await this.store.clients.get(id);
    const secretHash = input.client_secret !== undefined ? hashSecret(input.client_secret) : (input.secret_hash ?? existing?.secretHash ?? null);
    if ((method === 'client_secret_basic' || method === 'client_secret_post') && !secretHash) throw new RegistryError(`client ${id}: ${method} needs a client_secret`);
    if (method === 'private_key_jwt' && !input.jwks && !input.jwks_uri) throw new RegistryError(`client ${id}: private_key_jwt needs jwks or jwks_uri`);
    if (method === 'none' && input.grant_types.includes('client_credentials')) throw new RegistryError(`client ${id}: a public client (token_endpoint_auth_method "none") cannot use client_credentials`);
    for (const api of Object.keys(input.apis)) {
      const known = await this.store.apis.get(api);
      if (!known) throw new RegistryError(`client ${id}: unknown API "${api}" in apis (declare the API first)`);
      const unknown = input.apis[api]!.filter((s) => !(s in known.scopes));
      if (unknown.length) throw new RegistryError(`client ${id}: API ${api} defines no scope ${unknown.map((s) => `"${s}"`).join(', ')}`);
    }
    if (input.default_api !== undefined && !(input.default_api in input.apis)) throw new RegistryError(`client ${id}: default_api must be one of the client's apis`);
    const now = nowSeconds();
    const record: ClientRecord = {
      clientId: id,
      clientName: input.client_name ?? null,
      secretHash: method === 'none' || method === 'private_key_jwt' ? null : secretHash,
      tokenEndpointAuthMethod: method,
      grantTypes: [...new Set(input.grant_types)],
      apis: input.apis,
      defaultApi: input.default_api ?? null,
      jwks: (input.jwks as ClientRecord['jwks']) ?? null,
      jwksUri: input.jwks_uri ?? null,
      redirectUris: input.redirect_uris,
      postLogoutRedirectUris: input.post_logout_redirect_uris,
      firstParty: input.first_party,
      idTokenSignedResponseAlg: input.id_token_signed_response_alg,
      dpopBoundAccessTokens: input.dpop_bound_access_tokens,
      backchannelLogoutUri: input.backchannel_logout_uri ?? null,
      backchannelLogoutSessionRequired: input.backchannel_logout_session_required,
      source,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    await this.store.clients.upsert(record);
    this.forget();
    return record;
  }

  /** Imports (upserts) the APIs and clients a config file declares. */
  async importConfig(config: { apis: ApiConfig[]; clients: ClientConfig[] }): Promise<void> {
    for (const api of config.apis) await this.saveApi(api, 'config');
    for (const client of config.clients) await this.saveClient(client, 'config');
  }
}
