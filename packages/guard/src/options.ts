import { checkAllowList, DEFAULT_ALGORITHMS } from './algorithms.js';
import type { DpopReplayStore } from './dpop.js';
import type { FetchLike } from './http.js';

/** How to build a guard. Durations are in seconds. */
export interface GuardOptions {
  /** The issuer identifier, exactly as in the tokens' `iss` and the issuer's metadata. */
  issuer: string;
  /** This API's identifier: tokens must name it in `aud`. */
  audience: string;
  /** Accepted JWS algorithms; asymmetric only (`none` and HS* throw). Default: every RS/PS/ES/EdDSA algorithm. */
  algorithms?: readonly string[];
  /** Leeway for exp, nbf, iat and DPoP iat. Default 5. */
  clockTolerance?: number;
  /** Skips discovery for the keys. Default: `jwks_uri` from the issuer's metadata. */
  jwksUri?: string;
  jwks?: {
    /** Minimum time between fetches triggered by an unknown kid (also the floor for max-age). Default 30. */
    cooldown?: number;
    /** Freshness when the JWKS response has no Cache-Control max-age. Default 600. */
    maxAge?: number;
  };
  /** Enables opaque access tokens via RFC 7662 introspection. Without it, opaque tokens are refused. */
  introspection?: {
    /** Default: `introspection_endpoint` from the issuer's metadata. */
    endpoint?: string;
    /** This API's credentials at the issuer (HTTP Basic). */
    clientId: string;
    clientSecret: string;
    /** Longest reuse of an active answer (never past the token's exp). Default 60; 0 disables. */
    cacheTtl?: number;
  };
  /** The verified-JWT cache (by token string, until exp). Default `{ maxEntries: 10000 }`; `false` turns it off. */
  cache?: { maxEntries?: number } | false;
  dpop?: {
    /** Accepted DPoP proof algorithms. Default: as `algorithms` default. */
    algorithms?: readonly string[];
    /** How old a proof's iat may be. Default 60 (plus clockTolerance). */
    iatWindow?: number;
    /**
     * How many proofs the default, in-memory store keeps until they expire (iatWindow + 2 ×
     * clockTolerance). When every one is unexpired, new proofs are refused with 503 rather than
     * one forgotten. Default 100000 (about 1,400 proofs/s with the default window).
     */
    replayCacheSize?: number;
    /**
     * Where accepted proofs are recorded so each is accepted once. Default: in this
     * process's memory. An API that runs several instances gives them one shared store
     * (e.g. Redis), so a proof replayed to another instance is refused too.
     */
    replayStore?: DpopReplayStore;
  };
  /**
   * The API's public origin (`https://api.example.com`), used to rebuild the request URL
   * that a DPoP proof's htu must match when a proxy stands in front. Default: from the request.
   */
  publicOrigin?: string;
  /** `realm` in WWW-Authenticate challenges. Default: none. */
  realm?: string;
  /** RFC 9728 metadata URL, added as `resource_metadata` to 401 challenges. */
  resourceMetadataUrl?: string;
  /** Timeout for each request to the issuer. Default 5. */
  timeout?: number;
  /** The fetch used to reach the issuer. Default: global fetch. */
  fetch?: FetchLike;
  /** The clock in milliseconds since the epoch (for tests). Default: Date.now. */
  now?: () => number;
}

/** The options with every default filled in and durations in milliseconds where the code wants them. */
export interface ResolvedOptions {
  issuer: string;
  audience: string;
  algorithms: readonly string[];
  toleranceSec: number;
  jwksUri: string | undefined;
  jwksCooldownMs: number;
  jwksMaxAgeMs: number;
  introspection: { endpoint: string | undefined; clientId: string; clientSecret: string; cacheTtlMs: number } | undefined;
  cacheEntries: number | undefined;
  dpopAlgorithms: readonly string[];
  dpopIatWindowSec: number;
  dpopReplayCacheSize: number;
  dpopReplayStore: DpopReplayStore | undefined;
  publicOrigin: string | undefined;
  realm: string | undefined;
  resourceMetadataUrl: string | undefined;
  timeoutMs: number;
  fetch: FetchLike;
  now: () => number;
}

function seconds(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new TypeError(`createGuard: ${name} must be a non-negative number of seconds`);
  return v;
}

function httpUrl(value: string | undefined, name: string, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  let url: URL;
  try {
    url = new URL(value ?? '');
  } catch {
    throw new TypeError(`createGuard: ${name} must be an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`createGuard: ${name} must be an http(s) URL`);
  return value;
}

export function resolveOptions(options: GuardOptions): ResolvedOptions {
  const issuer = httpUrl(options.issuer, 'issuer', true) as string;
  if (typeof options.audience !== 'string' || options.audience === '') throw new TypeError('createGuard: audience is required');
  const algorithms = checkAllowList(options.algorithms ?? DEFAULT_ALGORITHMS, 'createGuard algorithms');
  const introspection = options.introspection;
  if (introspection && (!introspection.clientId || typeof introspection.clientSecret !== 'string')) {
    throw new TypeError('createGuard: introspection needs clientId and clientSecret');
  }
  const cacheEntries = options.cache === false ? undefined : (options.cache?.maxEntries ?? 10_000);
  if (cacheEntries !== undefined && (!Number.isInteger(cacheEntries) || cacheEntries < 1)) {
    throw new TypeError('createGuard: cache.maxEntries must be a positive integer');
  }
  const publicOrigin = httpUrl(options.publicOrigin, 'publicOrigin', false);
  const fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  return {
    issuer,
    audience: options.audience,
    algorithms,
    toleranceSec: seconds(options.clockTolerance, 5, 'clockTolerance'),
    jwksUri: httpUrl(options.jwksUri, 'jwksUri', false),
    jwksCooldownMs: seconds(options.jwks?.cooldown, 30, 'jwks.cooldown') * 1000,
    jwksMaxAgeMs: seconds(options.jwks?.maxAge, 600, 'jwks.maxAge') * 1000,
    introspection: introspection && {
      endpoint: httpUrl(introspection.endpoint, 'introspection.endpoint', false),
      clientId: introspection.clientId,
      clientSecret: introspection.clientSecret,
      cacheTtlMs: seconds(introspection.cacheTtl, 60, 'introspection.cacheTtl') * 1000,
    },
    cacheEntries,
    dpopAlgorithms: checkAllowList(options.dpop?.algorithms ?? DEFAULT_ALGORITHMS, 'createGuard dpop.algorithms'),
    dpopIatWindowSec: seconds(options.dpop?.iatWindow, 60, 'dpop.iatWindow'),
    dpopReplayCacheSize: options.dpop?.replayCacheSize ?? 100_000,
    dpopReplayStore: replayStore(options.dpop?.replayStore),
    publicOrigin: publicOrigin?.replace(/\/$/, ''),
    realm: options.realm,
    resourceMetadataUrl: options.resourceMetadataUrl,
    timeoutMs: seconds(options.timeout, 5, 'timeout') * 1000,
    fetch: fetchFn,
    now: options.now ?? Date.now,
  };
}

function replayStore(store: DpopReplayStore | undefined): DpopReplayStore | undefined {
  if (store !== undefined && typeof (store as Partial<DpopReplayStore>).add !== 'function') {
    throw new TypeError('createGuard dpop.replayStore must have an add(key, expiresAt) method');
  }
  return store;
}
