import type { JsonWebKey, KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { hasPrivateMembers, keyFitsAlgorithm } from './algorithms.js';
import { invalidToken, unavailable } from './errors.js';
import { fetchJson, isObject, type FetchLike } from './http.js';
import { messages } from './lanes/messages.js';
import { importPublicJwk, signatureVerifier, type SignatureVerifier } from './signature.js';

export interface JwksCacheOptions {
  /** Resolves the JWKS URL (from configuration or the issuer's metadata). */
  uri: () => Promise<string>;
  fetch: FetchLike;
  timeoutMs: number;
  /** No refetch for an unknown kid sooner than this after the last fetch. */
  cooldownMs: number;
  /** Freshness when the response has no Cache-Control max-age. */
  defaultMaxAgeMs: number;
  now: () => number;
  /** Called after each successful fetch with the ids of the keys now published. */
  onKeys?: (keyIds: ReadonlySet<string>) => void;
  /** Called before each fetch (for counting). */
  onFetch?: () => void;
}

interface KeyEntry {
  /** kid, or a stand-in built from the key material when the JWK has none. */
  id: string;
  kid: string | undefined;
  jwk: JWK;
  /** Imported on first use; null when node:crypto refused the JWK. */
  publicKey: KeyObject | null | undefined;
  /** One per algorithm the key has verified. */
  verifiers: Map<string, SignatureVerifier>;
}

export interface ResolvedKey {
  verifier: SignatureVerifier;
  keyId: string;
}

const MAX_AGE_CEILING_MS = 24 * 60 * 60 * 1000;

function maxAgeMs(cacheControl: string | null, fallback: number, floor: number): number {
  if (cacheControl === null) return fallback;
  if (/no-store|no-cache/i.test(cacheControl)) return floor;
  const match = /max-age=(\d+)/i.exec(cacheControl);
  if (!match) return fallback;
  return Math.min(Math.max(Number(match[1]) * 1000, floor), MAX_AGE_CEILING_MS);
}

function toEntries(body: unknown): KeyEntry[] {
  if (!isObject(body) || !Array.isArray(body['keys'])) throw new Error('JWKS response has no keys array');
  const entries: KeyEntry[] = [];
  for (const candidate of body['keys'] as unknown[]) {
    if (!isObject(candidate) || typeof candidate['kty'] !== 'string' || hasPrivateMembers(candidate)) continue;
    const jwk = candidate as JWK;
    const kid = typeof jwk.kid === 'string' ? jwk.kid : undefined;
    const id = kid ?? `#${jwk.kty}:${jwk.crv ?? ''}:${jwk.n ?? jwk.x ?? ''}:${jwk.y ?? ''}`;
    entries.push({ id, kid, jwk, publicKey: undefined, verifiers: new Map() });
  }
  return entries;
}

/**
 * The issuer's signing keys, fetched on first use and kept for the response's max-age
 * (default 10 min). An unknown kid triggers one refetch, at most once per cooldown, and
 * concurrent refetches share one request. A key that left the JWKS stops verifying as soon
 * as a fetch no longer lists it. Each key is imported once (a node:crypto KeyObject) and
 * kept with its entry, with one signature verifier per algorithm.
 */
export class JwksCache {
  readonly #options: JwksCacheOptions;
  #entries: KeyEntry[] | undefined;
  /** The last key peek found, for the key set it was found in (replaced, never changed, by a fetch). */
  #lastPeek: { kid: string | undefined; alg: string; entries: KeyEntry[]; key: ResolvedKey } | undefined;
  #expiresAt = 0;
  #lastAttempt = Number.NEGATIVE_INFINITY;
  #inFlight: Promise<void> | undefined;
  #lastError: unknown;

  constructor(options: JwksCacheOptions) {
    this.#options = options;
  }

  /** Loads the keys now (e.g. at startup). Throws when the JWKS cannot be fetched. */
  async load(): Promise<void> {
    this.#lastError = undefined;
    await this.#refetch(true).catch(() => undefined);
    if (this.#lastError !== undefined || !this.#entries) {
      const reason = this.#lastError instanceof Error ? this.#lastError.message : 'unknown error';
      throw new Error(`could not load the issuer's JWKS: ${reason}`, { cause: this.#lastError });
    }
  }

  /** The key that verifies a JWS with this header, or a Refusal saying why there is none. */
  async resolve(kid: string | undefined, alg: string): Promise<ResolvedKey> {
    const now = this.#options.now();
    if (this.#entries === undefined || now >= this.#expiresAt) await this.#refetch(false);
    let entry = this.#find(kid, alg);
    if (entry === undefined && this.#mayRefetch()) {
      await this.#refetch(false);
      entry = this.#find(kid, alg);
    }
    if (entry === undefined) throw invalidToken(messages.unknownKid);
    return { verifier: this.#verifier(entry, alg), keyId: entry.id };
  }

  /**
   * The key for this header when the key set is fresh and holds it, without waiting; undefined
   * when {@link resolve} must run (no keys yet, stale keys, unknown kid). Throws the same
   * refusals as resolve for a kid whose key does not fit the alg. `now`: the caller's reading
   * of the same clock, when it has one.
   */
  peek(kid: string | undefined, alg: string, now: number = this.#options.now()): ResolvedKey | undefined {
    const entries = this.#entries;
    if (entries === undefined || now >= this.#expiresAt) return undefined;
    // An issuer signs with one key at a time: most tokens name the key the previous one did.
    const last = this.#lastPeek;
    if (last !== undefined && last.entries === entries && last.kid === kid && last.alg === alg) return last.key;
    const entry = this.#find(kid, alg);
    if (entry === undefined) return undefined;
    const key = { verifier: this.#verifier(entry, alg), keyId: entry.id };
    this.#lastPeek = { kid, alg, entries, key };
    return key;
  }

  /**
   * Refreshes a stale key set (so removed keys are noticed even while every request is a
   * token-cache hit). Returns undefined, without a promise, while the keys are fresh.
   */
  refreshIfStale(): Promise<void> | undefined {
    if (this.#entries === undefined || this.#options.now() < this.#expiresAt) return undefined;
    return this.#refetch(false).catch(() => undefined);
  }

  /** Whether a key id is still published. */
  has(keyId: string): boolean {
    return this.#entries?.some((e) => e.id === keyId) ?? false;
  }

  #mayRefetch(): boolean {
    return this.#inFlight !== undefined || this.#options.now() - this.#lastAttempt >= this.#options.cooldownMs;
  }

  /** undefined: no key with that kid; throws when the kid's key cannot serve this alg. */
  #find(kid: string | undefined, alg: string): KeyEntry | undefined {
    const entries = this.#entries;
    if (!entries) throw unavailable(messages.keysUnavailable);
    if (kid !== undefined) {
      let named = false;
      for (const entry of entries) {
        if (entry.kid !== kid) continue;
        if (keyFitsAlgorithm(entry.jwk, alg)) return entry;
        named = true;
      }
      if (named) throw invalidToken(messages.keyMismatch);
      return undefined;
    }
    const fit = entries.filter((e) => keyFitsAlgorithm(e.jwk, alg));
    if (fit.length > 1) throw invalidToken(messages.ambiguousKey);
    return fit[0];
  }

  /** The entry's verifier for alg; throws when the key cannot be imported or does not serve alg (e.g. RSA under 2048 bits). */
  #verifier(entry: KeyEntry, alg: string): SignatureVerifier {
    let verifier = entry.verifiers.get(alg);
    if (verifier) return verifier;
    if (entry.publicKey === undefined) {
      try {
        entry.publicKey = importPublicJwk(entry.jwk as JsonWebKey);
      } catch {
        entry.publicKey = null;
      }
    }
    verifier = entry.publicKey === null ? undefined : signatureVerifier(entry.publicKey, alg);
    if (!verifier) throw invalidToken(messages.unusableKey);
    entry.verifiers.set(alg, verifier);
    return verifier;
  }

  /** Fetches unless a fetch is under way (then waits for it) or, when not forced and no keys are held, within cooldown. */
  #refetch(force: boolean): Promise<void> {
    if (this.#inFlight) return this.#inFlight;
    const o = this.#options;
    if (!force && this.#entries === undefined && o.now() - this.#lastAttempt < o.cooldownMs) {
      return Promise.reject(unavailable(messages.keysUnavailable));
    }
    this.#lastAttempt = o.now();
    this.#inFlight = this.#fetch().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #fetch(): Promise<void> {
    const o = this.#options;
    try {
      o.onFetch?.();
      const uri = await o.uri();
      const response = await fetchJson(o.fetch, uri, { headers: { accept: 'application/jwk-set+json, application/json' } }, o.timeoutMs);
      if (response.status !== 200) throw new Error(`JWKS fetch answered HTTP ${response.status}`);
      const entries = toEntries(response.body);
      this.#entries = entries;
      this.#lastError = undefined;
      this.#expiresAt = o.now() + maxAgeMs(response.headers.get('cache-control'), o.defaultMaxAgeMs, o.cooldownMs);
      o.onKeys?.(new Set(entries.map((e) => e.id)));
    } catch (error) {
      this.#lastError = error;
      // With keys in hand, keep using them and retry after the cooldown; without, fail closed.
      if (this.#entries === undefined) throw unavailable(messages.keysUnavailable);
      this.#expiresAt = o.now() + o.cooldownMs;
    }
  }
}
