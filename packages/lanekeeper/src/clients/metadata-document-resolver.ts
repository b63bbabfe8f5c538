import type { ClientRecord, Store } from '../store/index.js';
import { nowSeconds } from '../store/index.js';
import { cacheLifetime, METADATA_DOCUMENT_CACHE, type CacheBounds } from './cache-lifetime.js';
import { DocumentRefused, looksLikeMetadataDocumentUrl, metadataDocumentUrlProblem, parseJwkSet, parseMetadataDocument, type ClientMetadataDocument } from './metadata-document.js';
import { defaultFetchDeps, FetchRefused, safeFetch, type FetchDeps } from './safe-fetch.js';
import { urlPolicyProblem } from './url-policy.js';

/** A client looked up by id: found, or refused with a reason meant for a person. */
export type ClientLookup = { client: ClientRecord; problem?: undefined } | { client: undefined; problem: string };

export interface MetadataDocumentPolicy {
  /** URL prefixes or host names accepted (empty: any) and refused (wins over allowed). */
  allowed: readonly string[];
  denied: readonly string[];
  /** API identifier → the scopes such clients may ask for there. */
  apis: Record<string, string[]>;
  /** May such clients get refresh tokens (still only after consent naming offline_access)? */
  refreshTokens: boolean;
  /** Signing algorithm of their ID tokens. */
  idTokenAlg: string;
  timeoutMs: number;
  maxBytes: number;
  /** Development only: one https loopback origin that may be fetched, trusting this CA. */
  loopbackFixture?: { origin: string; ca: string } | undefined;
  cache?: CacheBounds;
}

interface CachedDocument {
  document: ClientMetadataDocument;
  /** The keys its jwks_uri named, fetched with the same rules. */
  jwks?: { keys: Record<string, unknown>[] };
}

const JSON_TYPES = ['application/json'];
const JWKS_TYPES = ['application/json', 'application/jwk-set+json'];

/**
 * Resolves Client ID Metadata Document client_ids: from the shared cache in the store, or
 * by a hardened fetch (safe-fetch.ts). Concurrent lookups of one URL on a node share one fetch.
 */
export class MetadataDocumentResolver {
  private readonly inFlight = new Map<string, Promise<ClientLookup>>();

  constructor(
    private readonly store: Store,
    readonly policy: MetadataDocumentPolicy,
    private readonly deps: FetchDeps = defaultFetchDeps,
  ) {}

  /** Whether this client_id names a metadata document (an https URL with a path). */
  handles(clientId: string): boolean {
    return looksLikeMetadataDocumentUrl(clientId);
  }

  async resolve(clientId: string): Promise<ClientLookup> {
    const shown = clientId.length > 200 ? `${clientId.slice(0, 200)}…` : clientId;
    const refuse = (reason: string): ClientLookup => ({ client: undefined, problem: `the app's client metadata document (${shown}) cannot be used: ${reason}` });
    const urlProblem = metadataDocumentUrlProblem(clientId) ?? urlPolicyProblem(clientId, this.policy.allowed, this.policy.denied);
    if (urlProblem) return refuse(urlProblem);
    // The cache read is inside the shared promise too: a caller whose read started before
    // another's fetch was stored would otherwise fetch the document a second time.
    let pending = this.inFlight.get(clientId);
    if (!pending) {
      pending = this.cachedOrFetched(clientId).then(
        (client): ClientLookup => ({ client }),
        (err: unknown) => {
          if (err instanceof FetchRefused || err instanceof DocumentRefused) return refuse(err.reason);
          throw err;
        },
      );
      this.inFlight.set(clientId, pending);
      void pending.finally(() => this.inFlight.delete(clientId)).catch(() => {});
    }
    return pending;
  }

  private async cachedOrFetched(clientId: string): Promise<ClientRecord> {
    const cached = await this.store.metadataDocuments.get(clientId, nowSeconds());
    if (cached) return this.toClient(JSON.parse(cached.document) as CachedDocument, Number(cached.fetched_at));
    return this.fetchAndCache(clientId);
  }

  private fetchOptions(accept: string[]) {
    return { timeoutMs: this.policy.timeoutMs, maxBytes: this.policy.maxBytes, accept, loopbackFixture: this.policy.loopbackFixture };
  }

  private async fetchAndCache(url: string): Promise<ClientRecord> {
    const fetched = await safeFetch(url, this.fetchOptions(JSON_TYPES), this.deps);
    const document = parseMetadataDocument(fetched.body, url);
    const entry: CachedDocument = { document };
    if (document.jwksUri) {
      let keys;
      try {
        keys = await safeFetch(document.jwksUri, this.fetchOptions(JWKS_TYPES), this.deps);
      } catch (err) {
        if (err instanceof FetchRefused) throw new FetchRefused(`its jwks_uri could not be fetched: ${err.reason}`);
        throw err;
      }
      entry.jwks = parseJwkSet(keys.body);
    }
    const now = nowSeconds();
    await this.store.metadataDocuments.put({ url, document: JSON.stringify(entry), fetched_at: now, expires_at: now + cacheLifetime(fetched.cacheControl, this.policy.cache ?? METADATA_DOCUMENT_CACHE) });
    return this.toClient(entry, now);
  }

  private toClient(entry: CachedDocument, fetchedAt: number): ClientRecord {
    const d = entry.document;
    return {
      clientId: d.clientId,
      clientName: d.clientName ?? new URL(d.clientId).host,
      secretHash: null,
      tokenEndpointAuthMethod: d.tokenEndpointAuthMethod,
      grantTypes: d.grantTypes.filter((g) => g !== 'refresh_token' || this.policy.refreshTokens),
      apis: this.policy.apis,
      defaultApi: null,
      jwks: d.jwks ?? entry.jwks ?? null,
      jwksUri: null,
      redirectUris: d.redirectUris,
      postLogoutRedirectUris: [],
      firstParty: false,
      idTokenSignedResponseAlg: this.policy.idTokenAlg,
      dpopBoundAccessTokens: d.dpopBoundAccessTokens,
      backchannelLogoutUri: null,
      backchannelLogoutSessionRequired: false,
      source: 'metadata_document',
      createdAt: fetchedAt,
      updatedAt: fetchedAt,
      ...(d.applicationType ? { applicationType: d.applicationType } : {}),
      ...(d.logoUri ? { logoUri: d.logoUri } : {}),
      ...(d.clientUri ? { clientUri: d.clientUri } : {}),
    };
  }
}
