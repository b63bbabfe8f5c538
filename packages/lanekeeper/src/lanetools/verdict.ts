/**
 * "Would an API with this audience accept this token, and if not, why": always the guard's
 * answer (`@lanekeeper/guard/check`, `@lanekeeper/guard/lanes`), never rules of our own.
 *
 * - issuer known and reached: the guard checks the token against the issuer's JWKS (or by
 *   introspection), exactly as an API would;
 * - offline: the guard checks everything but the signature (`stand-in.ts`), and an opaque
 *   string only by its lane.
 */
import { checkAccessToken, type TokenCheck } from '@lanekeeper/guard/check';
import { classifyToken, laneVerdict } from '@lanekeeper/guard/lanes';
import type { FetchFn } from './issuer.js';
import { checkWithoutKeys } from './stand-in.js';

export type VerdictStatus = 'accepted' | 'refused' | 'unverified' | 'unavailable';

/** The verdict section of `inspect --json`. */
export interface Verdict {
  audience: string;
  /** The issuer the API is taken to trust; null when none was given (offline). */
  issuer: string | null;
  /** Scopes the API requires (`--scope`). */
  scopes: string[];
  /**
   * `accepted`: every check passed, signature (or introspection) included; `refused`: the
   * guard refuses it (`description` says why); `unverified`: nothing checked refuses it, but
   * the signature or introspection was not checked; `unavailable`: the issuer could not be
   * reached for a check that needs it.
   */
  status: VerdictStatus;
  /** Whether the signature (or introspection) was checked. */
  verified: boolean;
  /** The guard's HTTP status, error code, description and challenge for a refusal. */
  http_status: number | null;
  error: string | null;
  description: string;
  www_authenticate: string | null;
  /** For an accepted DPoP-bound token: the thumbprint of the key its proofs must be signed with. */
  dpop_jkt: string | null;
}

export interface VerdictOptions {
  audience: string;
  scopes: string[];
  algorithms?: string[] | undefined;
  /** The issuer to check against; undefined = offline. */
  issuer?: string | undefined;
  /** The issuer's JWKS, when it was fetched; undefined with an issuer = it could not be. */
  jwks?: { keys: unknown[] } | undefined;
  introspection?: { endpoint: string; clientId: string; clientSecret: string } | undefined;
  fetch: FetchFn;
  timeoutMs: number;
  now?: () => number;
}

const ACCEPTED_ONLINE = 'an API with this audience, trusting this issuer, accepts this token';
const NOT_VERIFIED = 'nothing but the signature was found to refuse: add --online (or --issuer URL) to check it';
const NEEDS_INTROSPECTION = 'only the issuer can tell whether it accepts an opaque token: add --issuer URL, --client-id and --client-secret';

function fromCheck(check: TokenCheck, o: VerdictOptions, verified: boolean): Verdict {
  const base = { audience: o.audience, issuer: o.issuer ?? null, scopes: o.scopes };
  if (check.accept) {
    const bound = check.jkt !== undefined ? '; it is DPoP-bound, so each request also needs a proof by its key' : '';
    return {
      ...base,
      status: verified ? 'accepted' : 'unverified',
      verified,
      http_status: null,
      error: null,
      description: (verified ? ACCEPTED_ONLINE : NOT_VERIFIED) + bound,
      www_authenticate: null,
      dpop_jkt: check.jkt ?? null,
    };
  }
  return {
    ...base,
    status: check.status === 503 ? 'unavailable' : 'refused',
    verified,
    http_status: check.status,
    error: check.error ?? null,
    description: check.description,
    www_authenticate: check.wwwAuthenticate ?? null,
    dpop_jkt: null,
  };
}

const unreachable: FetchFn = () => Promise.reject(new Error('the issuer could not be reached'));

/** The guard's verdict on `token` for an API with `o.audience`. */
export async function judge(token: string, o: VerdictOptions): Promise<Verdict> {
  const common = {
    audience: o.audience,
    ...(o.scopes.length ? { scopes: o.scopes } : {}),
    ...(o.algorithms?.length ? { algorithms: o.algorithms } : {}),
    ...(o.now ? { now: o.now } : {}),
    timeout: o.timeoutMs / 1000,
  };
  const isJwt = token.split('.').length === 3;
  if (!isJwt) {
    const lane = laneVerdict(classifyToken(token), { audience: o.audience });
    const introspectable = lane.accept && lane.next === 'introspect';
    if (introspectable && (!o.issuer || !o.introspection)) {
      return { audience: o.audience, issuer: o.issuer ?? null, scopes: o.scopes, status: 'unverified', verified: false, http_status: null, error: null, description: NEEDS_INTROSPECTION, www_authenticate: null, dpop_jkt: null };
    }
    if (!introspectable || !o.issuer || !o.introspection) {
      // Refused by its lane (or a JWE, or not a token): the guard's words, no network.
      return fromCheck(await checkAccessToken(token, { ...common, issuer: o.issuer ?? 'https://unknown-issuer.invalid', jwks: { keys: [] }, fetch: unreachable }), o, false);
    }
    const check = await checkAccessToken(token, {
      ...common,
      issuer: o.issuer,
      jwks: { keys: [] },
      introspection: { endpoint: o.introspection.endpoint, clientId: o.introspection.clientId, clientSecret: o.introspection.clientSecret, cacheTtl: 0 },
      fetch: o.fetch,
    });
    return fromCheck(check, o, true);
  }
  if (!o.issuer) return fromCheck(await checkWithoutKeys(token, { ...common, scopes: o.scopes, algorithms: o.algorithms?.length ? o.algorithms : undefined }), o, false);
  const check = await checkAccessToken(token, { ...common, issuer: o.issuer, ...(o.jwks ? { jwks: o.jwks } : { fetch: unreachable }) });
  return fromCheck(check, o, true);
}
