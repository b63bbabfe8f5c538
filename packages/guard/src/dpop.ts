import { invalidProof } from './errors.js';
import { messages } from './lanes/messages.js';
import { Lru } from './lru.js';
import { checkDpopProof, DpopProofError, ProofKeys } from './dpop-proof.js';

export interface DpopVerifierOptions {
  algorithms: readonly string[];
  /** How old a proof's iat may be. */
  iatWindowSec: number;
  toleranceSec: number;
  /** How many seen jti values to remember. */
  replayCacheSize: number;
  now: () => number;
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

/** RFC 9449 §4.3 proof checks, and a bounded in-memory jti replay cache. */
export class DpopVerifier {
  readonly #o: DpopVerifierOptions;
  readonly #seen: Lru<string, number>;
  /** Imported proof keys by thumbprint and alg: a bound client proves with the same key every time. */
  readonly #keys = new ProofKeys(1000);

  constructor(options: DpopVerifierOptions) {
    this.#o = options;
    this.#seen = new Lru(options.replayCacheSize);
  }

  /** Checks the proof (synchronously: node:crypto on this thread); throws a 401 GuardError when it is refused. */
  verify(check: DpopCheck): void {
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
    const replayKey = `${checked.jkt}:${checked.jti}`;
    const seenUntil = this.#seen.get(replayKey);
    if (seenUntil !== undefined && seenUntil > o.now()) throw invalidProof(messages.proofReplay);
    this.#seen.set(replayKey, (checked.iat + o.iatWindowSec + 2 * o.toleranceSec) * 1000);
  }
}
