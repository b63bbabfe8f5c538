import { invalidProof, unavailable } from './errors.js';
import { messages } from './lanes/messages.js';
import { checkDpopProof, DpopProofError, ProofKeys } from './dpop-proof.js';

export interface DpopVerifierOptions {
  algorithms: readonly string[];
  /** How old a proof's iat may be. */
  iatWindowSec: number;
  toleranceSec: number;
  /** How many seen jti values to remember (the in-memory store). */
  replayCacheSize: number;
  /** A shared store instead of the in-memory one. */
  replayStore?: DpopReplayStore | undefined;
  now: () => number;
}

/**
 * Where the guard records the DPoP proofs it accepts (RFC 9449 §11.1), so that each proof is
 * accepted once. The default keeps them in the process's memory; APIs that run several
 * instances share one store, e.g. Redis:
 *
 * ```ts
 * const replayStore = { add: async (key, expiresAt) => (await redis.set(`dpop:${key}`, '1', 'PXAT', expiresAt, 'NX')) === 'OK' };
 * ```
 */
export interface DpopReplayStore {
  /**
   * Records `key` (the proof key's RFC 7638 thumbprint and the proof's `jti`, joined by `:`)
   * until `expiresAt` (milliseconds since the epoch), after which no proof with that `jti`
   * can be fresh. Returns (or resolves to) `true` when the key was not recorded yet, `false`
   * when it was: the proof is a replay. Must be atomic: of two concurrent calls with one key,
   * only one may answer `true`. A throw or rejection refuses the request with 503 (the guard
   * fails closed); any answer but `true` refuses the proof.
   */
  add(key: string, expiresAt: number): boolean | PromiseLike<boolean>;
}

/** Thrown by the in-memory store when every entry is still fresh: the proof is refused (503), never an entry forgotten. */
class ReplayCacheFull extends Error {}

/** How often a full in-memory store may be swept end to end for expired entries. */
const FULL_SWEEP_INTERVAL_MS = 1000;

/**
 * The default store: this process's memory, at most `maxEntries` proofs. An entry is dropped
 * only once its proof can no longer be fresh: forgetting a fresh one (as a least-recently-used
 * cache would, under a flood of new proofs) would let that proof be replayed. When every
 * entry is still fresh the new proof is refused instead (the guard fails closed with 503).
 * Entries are kept in the order they came, which is about the order they expire in: expired
 * ones are dropped from the front as new ones come, and from anywhere by a sweep (at most once
 * a second) when the store is full.
 */
class MemoryReplayStore implements DpopReplayStore {
  readonly #seen = new Map<string, number>();
  readonly #maxEntries: number;
  readonly #now: () => number;
  #lastFullSweep = Number.NEGATIVE_INFINITY;
  constructor(maxEntries: number, now: () => number) {
    this.#maxEntries = maxEntries;
    this.#now = now;
  }
  add(key: string, expiresAt: number): boolean {
    const now = this.#now();
    const seenUntil = this.#seen.get(key);
    if (seenUntil !== undefined && seenUntil > now) return false;
    this.#seen.delete(key);
    this.#dropExpired(now, true);
    if (this.#seen.size >= this.#maxEntries && now - this.#lastFullSweep >= FULL_SWEEP_INTERVAL_MS) {
      this.#lastFullSweep = now;
      this.#dropExpired(now, false);
    }
    if (this.#seen.size >= this.#maxEntries) throw new ReplayCacheFull();
    this.#seen.set(key, expiresAt);
    return true;
  }
  /** Drops expired entries, oldest first: only up to the first fresh one when `frontOnly`. */
  #dropExpired(now: number, frontOnly: boolean): void {
    for (const [k, until] of this.#seen) {
      if (until <= now) this.#seen.delete(k);
      else if (frontOnly) return;
    }
  }
}

export interface DpopCheck {
  /** The DPoP header value(s) as received. */
  proof: string | readonly string[] | undefined;
  method: string;
  /** The request URL; query and fragment are ignored. */
  url: string;
  /** The access token the proof must be bound to (ath). */
  token: string;
  /** The token's cnf.jkt. */
  jkt: string;
}

export { htuOf } from './dpop-proof.js';

/** RFC 9449 §4.3 proof checks, and the jti replay check (in memory, or in a shared store). */
export class DpopVerifier {
  readonly #o: DpopVerifierOptions;
  readonly #replays: DpopReplayStore;
  /** Imported proof keys by thumbprint and alg: a bound client proves with the same key every time. */
  readonly #keys = new ProofKeys(1000);

  constructor(options: DpopVerifierOptions) {
    this.#o = options;
    this.#replays = options.replayStore ?? new MemoryReplayStore(options.replayCacheSize, options.now);
  }

  /**
   * Checks the proof (synchronously: node:crypto on this thread) and records its jti; throws
   * (or, with a store that answers later, rejects with) a 401 Refusal when it is refused, a
   * 503 one when the store fails. Returns undefined when the store answered at once.
   */
  verify(check: DpopCheck): Promise<void> | undefined {
    const o = this.#o;
    let checked;
    try {
      checked = checkDpopProof(check.proof, {
        method: check.method,
        url: check.url,
        algorithms: o.algorithms,
        now: o.now(),
        iatWindowSec: o.iatWindowSec,
        toleranceSec: o.toleranceSec,
        accessToken: check.token,
        jkt: check.jkt,
        keys: this.#keys,
      });
    } catch (err) {
      if (err instanceof DpopProofError) throw invalidProof(err.description);
      throw err;
    }
    // A proof is fresh only while its iat is in the window: remembering it that long is enough.
    const expiresAt = (checked.iat + o.iatWindowSec + 2 * o.toleranceSec) * 1000;
    let fresh: boolean | PromiseLike<boolean>;
    try {
      fresh = this.#replays.add(`${checked.jkt}:${checked.jti}`, expiresAt);
    } catch (error) {
      throw unavailable(error instanceof ReplayCacheFull ? messages.replayCacheFull : messages.replayStoreUnavailable);
    }
    if (fresh === true) return undefined;
    // false, or anything that is neither true nor a promise: refused.
    if (typeof (fresh as Partial<PromiseLike<boolean>> | undefined)?.then !== 'function') throw invalidProof(messages.proofReplay);
    return Promise.resolve(fresh).then(
      (answer) => {
        if (answer !== true) throw invalidProof(messages.proofReplay);
      },
      () => {
        throw unavailable(messages.replayStoreUnavailable);
      },
    );
  }
}
