import { unavailable } from './errors.js';
import { fetchJson, isObject, type FetchLike } from './http.js';
import { messages } from './lanes/messages.js';
import { Lru } from './lru.js';

export interface IntrospectorOptions {
  /** Resolves the introspection endpoint (from configuration or the issuer's metadata). */
  endpoint: () => Promise<string>;
  clientId: string;
  clientSecret: string;
  /** Longest time an active response is reused. */
  cacheTtlMs: number;
  maxEntries: number;
  fetch: FetchLike;
  timeoutMs: number;
  now: () => number;
  /** Called before each request to the endpoint (for counting). */
  onRequest?: () => void;
}

interface CachedResponse {
  response: Record<string, unknown>;
  expiresAt: number;
}

/** RFC 6749 §2.3.1: client id and secret are form-urlencoded before Basic encoding. */
function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

/**
 * Asks the issuer about opaque tokens (RFC 7662): POST, form-urlencoded, HTTP Basic with
 * the API's own credentials. Active answers are reused until the token's exp or the cache
 * TTL, whichever is sooner; simultaneous questions about one token share one request.
 * Any failure to get an answer is a 503 (fail closed).
 */
export class Introspector {
  readonly #o: IntrospectorOptions;
  readonly #cache: Lru<string, CachedResponse>;
  readonly #inFlight = new Map<string, Promise<Record<string, unknown>>>();
  readonly #authorization: string;

  constructor(options: IntrospectorOptions) {
    this.#o = options;
    this.#cache = new Lru(options.maxEntries);
    const credentials = `${formEncode(options.clientId)}:${formEncode(options.clientSecret)}`;
    this.#authorization = `Basic ${btoa(credentials)}`;
  }

  /** The introspection response for `token` (active or not). */
  introspect(token: string): Promise<Record<string, unknown>> {
    const cached = this.#cache.get(token);
    if (cached) {
      if (cached.expiresAt > this.#o.now()) return Promise.resolve(cached.response);
      this.#cache.delete(token);
    }
    let pending = this.#inFlight.get(token);
    if (!pending) {
      pending = this.#request(token).finally(() => this.#inFlight.delete(token));
      this.#inFlight.set(token, pending);
    }
    return pending;
  }

  async #request(token: string): Promise<Record<string, unknown>> {
    const o = this.#o;
    let response;
    try {
      o.onRequest?.();
      const endpoint = await o.endpoint();
      response = await fetchJson(
        o.fetch,
        endpoint,
        {
          method: 'POST',
          headers: {
            authorization: this.#authorization,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
          },
          body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
        },
        o.timeoutMs,
      );
    } catch {
      throw unavailable(messages.introspectionUnavailable);
    }
    if (response.status !== 200 || !isObject(response.body)) throw unavailable(messages.introspectionUnavailable);
    const body = response.body;
    if (body['active'] === true) {
      const now = o.now();
      const exp = typeof body['exp'] === 'number' ? body['exp'] * 1000 : Number.POSITIVE_INFINITY;
      const expiresAt = Math.min(now + o.cacheTtlMs, exp);
      if (expiresAt > now) this.#cache.set(token, { response: body, expiresAt });
    }
    return body;
  }
}
