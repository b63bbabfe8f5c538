import { checkIntrospection, freezeShared, type CheckedClaims } from './claims.js';
import { discover, DiscoveryError, type IssuerMetadata } from './discovery.js';
import { DpopVerifier } from './dpop.js';
import { GuardError, invalidRequest, invalidToken, Refusal } from './errors.js';
import { absoluteUrl, dpopHeader, extractToken, requestMethod, tokenSyntaxFailure, viewRequest, type ExtractFailure, type ExtractedToken, type GuardRequest, type RequestView } from './extract.js';
import { Introspector } from './introspect.js';
import { JwksCache } from './jwks-cache.js';
import { classifyToken, isAccessTokenTyp } from './lanes/classify.js';
import { jwsHeader } from './jws.js';
import { messages } from './lanes/messages.js';
import { laneVerdict } from './lanes/verdict.js';
import { Lru } from './lru.js';
import type { MaybePromise } from './maybe-promise.js';
import { resolveOptions, type GuardOptions, type ResolvedOptions } from './options.js';
import type { Principal } from './principal.js';
import { bindChallengeContext, requireAllOf, requireOneOf } from './scopes.js';
import { checkHeader, verifyJwt, type CheckedHeader, type JwtVerifierOptions } from './verify-jwt.js';
import { formatChallenge } from './www-authenticate.js';

/** Scopes a request must carry, checked after the token. */
export interface ScopeRequirements {
  /** Every one of these. */
  scopes?: readonly string[] | undefined;
  /** At least one of these. */
  anyScope?: readonly string[] | undefined;
}

/** Counters for monitoring and tests. */
export interface GuardStats {
  /** JWT signatures checked (cache misses that reached the signature). */
  signatureVerifications: number;
  /** Requests answered from the verified-token cache. */
  tokenCacheHits: number;
  /** Requests made for the JWKS. */
  jwksFetches: number;
  /** Requests made to the introspection endpoint. */
  introspectionRequests: number;
}

export interface Guard {
  readonly issuer: string;
  readonly audience: string;
  /** The algorithms accepted for access tokens. */
  readonly algorithms: readonly string[];
  /**
   * Checks the request's access token (and its DPoP proof, and `requirements`), returning
   * who called. Throws a {@link GuardError} saying why when the request must be refused.
   */
  verify(request: GuardRequest, requirements?: ScopeRequirements): Promise<Principal>;
  /** Loads the issuer's metadata and keys now; throws with the reason when it cannot. */
  ready(): Promise<void>;
  stats(): GuardStats;
}

interface CachedToken {
  checked: CheckedClaims;
  /** ms; exp plus tolerance, matching the uncached check. */
  validUntil: number;
}

/** Distinct JWS headers kept decoded (an issuer uses one per key and alg). */
const MAX_VERIFIED_HEADERS = 64;

const extractRefusals: Record<ExtractFailure, Refusal> = {
  missing: new Refusal(401, undefined, messages.missingToken),
  unsupported_scheme: new Refusal(401, undefined, messages.unsupportedScheme),
  in_query: invalidRequest(messages.tokenInQuery, 401),
  in_body: invalidRequest(messages.tokenInBody, 401),
  multiple: invalidRequest(messages.multipleTokens),
  malformed: invalidRequest(messages.malformedAuthorization),
};

/** The scope requirements of the route, checked on an authenticated principal. */
function authorize(principal: Principal, requirements: ScopeRequirements | undefined): Principal {
  if (requirements === undefined) return principal;
  const { scopes, anyScope } = requirements;
  if (scopes !== undefined && scopes.length > 0) requireAllOf(principal, scopes);
  if (anyScope !== undefined && anyScope.length > 0) requireOneOf(principal, anyScope);
  return principal;
}

class GuardImpl implements Guard {
  readonly #o: ResolvedOptions;
  readonly #keys: JwksCache;
  readonly #tokens: Lru<string, CachedToken> | undefined;
  readonly #introspector: Introspector | undefined;
  readonly #dpop: DpopVerifier;
  readonly #jwtOptions: JwtVerifierOptions;
  /** Checked headers of tokens that verified, by their encoded segment. */
  readonly #verifiedHeaders = new Map<string, CheckedHeader>();
  /** The header segment of the last token that verified, and its header: usually the next token's too. */
  #lastHeaderSegment = '';
  #lastHeader: CheckedHeader | undefined;
  readonly #stats: GuardStats = { signatureVerifications: 0, tokenCacheHits: 0, jwksFetches: 0, introspectionRequests: 0 };
  #metadata: Promise<IssuerMetadata> | undefined;
  #metadataFailedAt = Number.NEGATIVE_INFINITY;

  constructor(options: GuardOptions) {
    const o = (this.#o = resolveOptions(options));
    this.#tokens = o.cacheEntries === undefined ? undefined : new Lru(o.cacheEntries);
    this.#keys = new JwksCache({
      uri: o.jwksUri !== undefined ? () => Promise.resolve(o.jwksUri as string) : () => this.#metadataMember('jwks_uri'),
      fetch: o.fetch,
      timeoutMs: o.timeoutMs,
      cooldownMs: o.jwksCooldownMs,
      defaultMaxAgeMs: o.jwksMaxAgeMs,
      now: o.now,
      onFetch: () => this.#stats.jwksFetches++,
      onKeys: (keyIds) => this.#tokens?.prune((entry) => !keyIds.has(entry.checked.keyId ?? '')),
    });
    const introspection = o.introspection;
    this.#introspector = introspection && new Introspector({
      endpoint: introspection.endpoint !== undefined
        ? () => Promise.resolve(introspection.endpoint as string)
        : () => this.#metadataMember('introspection_endpoint'),
      clientId: introspection.clientId,
      clientSecret: introspection.clientSecret,
      cacheTtlMs: introspection.cacheTtlMs,
      maxEntries: o.cacheEntries ?? 10_000,
      fetch: o.fetch,
      timeoutMs: o.timeoutMs,
      now: o.now,
      onRequest: () => this.#stats.introspectionRequests++,
    });
    this.#jwtOptions = {
      issuer: o.issuer,
      audience: o.audience,
      algorithms: o.algorithms,
      toleranceSec: o.toleranceSec,
      now: o.now,
      keys: this.#keys,
      onVerify: () => this.#stats.signatureVerifications++,
    };
    this.#dpop = new DpopVerifier({
      algorithms: o.dpopAlgorithms,
      iatWindowSec: o.dpopIatWindowSec,
      toleranceSec: o.toleranceSec,
      replayCacheSize: o.dpopReplayCacheSize,
      replayStore: o.dpopReplayStore,
      now: o.now,
    });
  }

  get issuer() {
    return this.#o.issuer;
  }
  get audience() {
    return this.#o.audience;
  }
  get algorithms() {
    return this.#o.algorithms;
  }

  stats(): GuardStats {
    return { ...this.#stats };
  }

  async ready(): Promise<void> {
    if (this.#o.jwksUri === undefined || (this.#introspector && this.#o.introspection?.endpoint === undefined)) {
      this.#metadataFailedAt = Number.NEGATIVE_INFINITY;
      const metadata = await this.#loadMetadata();
      if (this.#o.jwksUri === undefined && typeof metadata.jwks_uri !== 'string') {
        throw new DiscoveryError(`the metadata of ${this.#o.issuer} has no jwks_uri`);
      }
      if (this.#introspector && this.#o.introspection?.endpoint === undefined && typeof metadata.introspection_endpoint !== 'string') {
        throw new DiscoveryError(`the metadata of ${this.#o.issuer} has no introspection_endpoint`);
      }
    }
    await this.#keys.load();
  }

  verify(request: GuardRequest, requirements?: ScopeRequirements): Promise<Principal> {
    try {
      return Promise.resolve(this.verifyView(viewRequest(request), requirements));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * @internal {@link Guard.verify} on a request already read ({@link viewRequest},
   * viewNodeRequest), without the promise when nothing had to be fetched: the principal, or a
   * promise of it; throws (or rejects with) the GuardError. For adapters, through
   * {@link verifyRequest} and {@link verifyView}.
   */
  verifyView(view: RequestView, requirements: ScopeRequirements | undefined): MaybePromise<Principal> {
    const extracted = extractToken(view);
    if (typeof extracted === 'string') throw this.#toGuardError(extractRefusals[extracted], undefined);
    let authenticated: MaybePromise<Principal>;
    try {
      authenticated = this.#authenticate(extracted, view);
      // The common path (a JWT whose key is in hand) allocates no callbacks.
      if (!(authenticated instanceof Promise)) return authorize(authenticated, requirements);
    } catch (error) {
      return this.#refused(error, extracted);
    }
    return authenticated.then(
      (principal) => authorize(principal, requirements),
      (error: unknown) => this.#refused(error, extracted),
    );
  }

  /**
   * Rethrows a Refusal as the GuardError the caller sees (other errors as they are). A token
   * that is not token68 is refused as such, whatever else failed: the same answer as if its
   * characters had been checked first.
   */
  #refused(error: unknown, extracted: ExtractedToken): never {
    const syntax = tokenSyntaxFailure(extracted.token);
    if (syntax !== undefined) throw this.#toGuardError(extractRefusals[syntax], undefined);
    throw error instanceof Refusal ? this.#toGuardError(error, extracted.scheme) : error;
  }

  /** The token's claims (from the cache or checked now), then DPoP, then the principal. */
  #authenticate(extracted: ExtractedToken, view: RequestView): MaybePromise<Principal> {
    const result = this.#claimsOf(extracted.token);
    if (result instanceof Promise) return result.then((r) => this.#bind(extracted, view, r));
    return this.#bind(extracted, view, result);
  }

  /** The principal once the token's claims check out: DPoP-bound tokens need their proof and the DPoP scheme. */
  #bind(extracted: ExtractedToken, view: RequestView, checked: CheckedClaims): MaybePromise<Principal> {
    if (checked.jkt !== undefined) {
      if (extracted.scheme !== 'DPoP') throw invalidToken(messages.boundTokenAsBearer, true);
      const url = absoluteUrl(view, this.#o.publicOrigin);
      const recorded = this.#dpop.verify({ proof: dpopHeader(view), method: requestMethod(view), url, token: extracted.token, jkt: checked.jkt });
      if (recorded !== undefined) return recorded.then(() => this.#principal(extracted.token, checked));
      return this.#principal(extracted.token, checked);
    }
    if (extracted.scheme === 'DPoP') throw invalidToken(messages.dpopSchemeUnbound, true);
    return this.#principal(extracted.token, checked);
  }

  #principal(token: string, checked: CheckedClaims): Principal {
    const o = this.#o;
    const { sub, clientId, scopes, claims, jkt, source } = checked;
    const principal: Principal = jkt === undefined
      ? { sub, clientId, scopes, claims, token, source }
      : { sub, clientId, scopes, claims, token, source, dpop: { jkt } };
    if (o.realm !== undefined || checked.jkt !== undefined) {
      bindChallengeContext(principal, { realm: o.realm, algs: o.dpopAlgorithms });
    }
    return principal;
  }

  /** From the verified-token cache while the entry lasts (after refreshing a stale JWKS), else checked now. */
  #claimsOf(token: string): MaybePromise<CheckedClaims> {
    const cached = this.#tokens?.get(token);
    if (cached === undefined) return this.#check(token);
    const refreshing = this.#keys.refreshIfStale();
    // The refetch may drop the entry (its key left the JWKS): look again afterwards.
    if (refreshing) return refreshing.then(() => this.#fromCache(token, this.#tokens?.get(token)));
    return this.#fromCache(token, cached);
  }

  #fromCache(token: string, cached: CachedToken | undefined): MaybePromise<CheckedClaims> {
    if (cached !== undefined && cached.validUntil > this.#o.now()) {
      this.#stats.tokenCacheHits++;
      return cached.checked;
    }
    if (cached !== undefined) this.#tokens?.delete(token);
    return this.#check(token);
  }

  /** Lane, then signature and claims (JWT) or introspection (opaque). */
  #check(token: string): MaybePromise<CheckedClaims> {
    const firstDot = token.indexOf('.');
    // An issuer signs with a handful of distinct headers: those of verified tokens are kept
    // checked (at+jwt, and checkHeader's checks), the last one at hand. Compared as whole
    // strings: V8's startsWith walks a sliced string character by character (~75
    // instructions each, 8,000 per RS256 header, counted with callgrind).
    const headerSegment = firstDot > 0 ? token.slice(0, firstDot) : '';
    let header = firstDot > 0 && headerSegment === this.#lastHeaderSegment ? this.#lastHeader : this.#verifiedHeaders.get(headerSegment);
    const known = header !== undefined;
    if (header === undefined) {
      const decoded = jwsHeader(token);
      if (decoded === undefined || !isAccessTokenTyp(decoded['typ'])) return this.#otherLane(token);
      header = checkHeader(decoded, this.#o.algorithms);
    }
    const verified = verifyJwt(token, firstDot, header, this.#jwtOptions);
    if (verified instanceof Promise) return verified.then((checked) => this.#verified(token, headerSegment, header, known, checked));
    return this.#verified(token, headerSegment, header, known, verified);
  }

  /** Remembers the header and caches the verified token (when the cache is on). */
  #verified(token: string, headerSegment: string, header: CheckedHeader, known: boolean, checked: CheckedClaims): CheckedClaims {
    if (!known) {
      if (this.#verifiedHeaders.size >= MAX_VERIFIED_HEADERS) this.#verifiedHeaders.clear();
      this.#verifiedHeaders.set(headerSegment, header);
    }
    this.#lastHeaderSegment = headerSegment;
    this.#lastHeader = header;
    // exp is required for JWTs, so checked.exp is set; a key may have left the JWKS while the key was fetched.
    if (this.#tokens && checked.exp !== undefined && checked.keyId !== undefined && this.#keys.has(checked.keyId)) {
      this.#tokens.set(token, { checked: freezeShared(checked), validUntil: (checked.exp + this.#o.toleranceSec) * 1000 });
    }
    return checked;
  }

  /** Not a JWT access token: an opaque one to introspect, or a refusal naming the token's lane. */
  #otherLane(token: string): Promise<CheckedClaims> {
    // Nothing leaves the process for a token that is not even token68 (#refused names the failure).
    if (tokenSyntaxFailure(token) !== undefined) throw invalidToken(messages.malformedToken);
    const verdict = laneVerdict(classifyToken(token));
    if (!verdict.accept) throw invalidToken(verdict.description);
    if (verdict.next !== 'introspect') throw invalidToken(messages.malformedToken);
    return this.#introspect(token);
  }

  async #introspect(token: string): Promise<CheckedClaims> {
    if (!this.#introspector) throw invalidToken(messages.opaqueNotSupported);
    const response = await this.#introspector.introspect(token);
    return checkIntrospection(response, this.#jwtOptions, Math.floor(this.#o.now() / 1000));
  }

  #loadMetadata(): Promise<IssuerMetadata> {
    const o = this.#o;
    if (this.#metadata) return this.#metadata;
    if (o.now() - this.#metadataFailedAt < o.jwksCooldownMs) {
      return Promise.reject(new DiscoveryError(`metadata of ${o.issuer} failed to load recently; retrying after the cooldown`));
    }
    const loading = discover(o.issuer, o.fetch, o.timeoutMs);
    this.#metadata = loading;
    loading.catch(() => {
      this.#metadata = undefined;
      this.#metadataFailedAt = o.now();
    });
    return loading;
  }

  async #metadataMember(name: 'jwks_uri' | 'introspection_endpoint'): Promise<string> {
    const value = (await this.#loadMetadata())[name];
    if (typeof value !== 'string') throw new DiscoveryError(`the metadata of ${this.#o.issuer} has no ${name}`);
    return value;
  }

  #toGuardError(refusal: Refusal, scheme: ExtractedToken['scheme'] | undefined): GuardError {
    const o = this.#o;
    if (refusal.status === 503) return new GuardError({ status: 503, code: refusal.code, description: refusal.description });
    const dpop = refusal.dpop || scheme === 'DPoP';
    return new GuardError({
      status: refusal.status,
      code: refusal.code,
      description: refusal.description,
      wwwAuthenticate: formatChallenge({
        scheme: dpop ? 'DPoP' : 'Bearer',
        realm: o.realm,
        algs: o.dpopAlgorithms,
        error: refusal.code,
        description: refusal.description,
        resourceMetadata: refusal.status === 401 ? o.resourceMetadataUrl : undefined,
      }),
    });
  }
}

/**
 * @internal What adapters call: the guard's answer without a promise when it has one at once
 * (the common case: a JWT whose key is in hand), else a promise. Throws or rejects with a
 * GuardError. Works with any {@link Guard}, falling back to `verify`.
 */
export function verifyRequest(guard: Guard, request: GuardRequest, requirements?: ScopeRequirements): MaybePromise<Principal> {
  return guard instanceof GuardImpl ? guard.verifyView(viewRequest(request), requirements) : guard.verify(request, requirements);
}

/** @internal {@link verifyRequest} on a request the adapter has already read ({@link viewNodeRequest}). */
export function verifyView(guard: Guard, view: RequestView, requirements?: ScopeRequirements): MaybePromise<Principal> {
  return guard instanceof GuardImpl ? guard.verifyView(view, requirements) : guard.verify(view.request, requirements);
}

/**
 * Creates a guard for one API. Nothing is fetched until the first request (or
 * {@link Guard.ready}); the options are validated now and throw on misconfiguration
 * (e.g. a symmetric algorithm in `algorithms`).
 */
export function createGuard(options: GuardOptions): Guard {
  return new GuardImpl(options);
}
