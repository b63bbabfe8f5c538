/**
 * `lanekeeper inspect`, framework-free: what a token is (its lane, with the evidence), every
 * claim in words, the verification against its issuer when asked, and the guard's verdict
 * for an API. The result is the `--json` document; `inspect-render.ts` prints it for people.
 */
import { DEFAULT_ALGORITHMS } from '@lanekeeper/guard';
import { classifyToken, type TokenClassification } from '@lanekeeper/guard/lanes';
import { claimNote, headerNote } from './claim-notes.js';
import { introspect } from './introspection.js';
import { loadIssuer, type FetchFn, type Step } from './issuer.js';
import { describeLane, type InspectLane } from './lane.js';
import { checkProof, checkSignature } from './signature-check.js';
import { absoluteTime, TIME_CLAIMS, timePhrase } from './times.js';
import { preview } from './token-input.js';
import { judge, type Verdict } from './verdict.js';
import { opaqueShape, vendorShape, type VendorShape } from './vendor-shapes.js';

/** Version of the `inspect --json` document; raised only when a member changes meaning or goes away. */
export const INSPECT_JSON_VERSION = 1;

export interface InspectOptions {
  /** `--audience`: the API to give the verdict for. */
  audience?: string | undefined;
  /** `--scope`: scopes that API requires. */
  scopes?: string[] | undefined;
  /** `--alg`: the API's algorithm allow-list (default: the guard's). */
  algorithms?: string[] | undefined;
  /** `--issuer`: verify against this issuer (and judge as an API trusting it). */
  issuer?: string | undefined;
  /** `--online`: verify against the issuer the token names. */
  online?: boolean | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  /** `--show-token`: include the token itself in the report. */
  showToken?: boolean | undefined;
  /** What was trimmed from the input (`the Bearer scheme`). */
  removed?: string[] | undefined;
  fetch?: FetchFn | undefined;
  timeoutMs?: number | undefined;
  /** Clock in ms (tests). */
  now?: (() => number) | undefined;
}

export interface AnnotatedMember {
  name: string;
  value: unknown;
  /** What it means and who it is for. */
  note: string;
  /** For times: absolute (UTC) and in words relative to now. */
  time?: { utc: string; relative: string };
}

export interface Verification {
  /** The issuer reached; null for a DPoP proof (checked with its own key) or when none is known. */
  issuer: string | null;
  /** Where the issuer came from. */
  source: 'issuer_option' | 'token_iss' | 'proof_jwk' | 'none';
  /** True when the signature (or introspection) checked out and no step failed. */
  verified: boolean;
  steps: Step[];
}

/** The `inspect --json` document. */
export interface InspectReport {
  lanekeeper_inspect: number;
  token: {
    length: number;
    /** The first characters only; the token itself is in `value` with --show-token. */
    preview: string;
    value?: string;
    format: TokenClassification['format'];
    /** What was trimmed from the input, e.g. `the Bearer scheme`. */
    removed: string[];
  };
  lane: InspectLane;
  /** The vendor shape its claims fit, if any (description only). */
  shape: VendorShape | null;
  header: AnnotatedMember[] | null;
  /** JWT claims, or the introspection answer of an opaque token. */
  claims: AnnotatedMember[] | null;
  claims_source: 'jwt' | 'introspection' | null;
  verification: Verification | null;
  verdict: Verdict | null;
  /** 0: valid for the audience (or decodes, and verifies when asked); 1: refused or does not verify. */
  exit_code: 0 | 1;
}

function annotate(record: Record<string, unknown>, note: (name: string) => string, nowSec: number): AnnotatedMember[] {
  return Object.entries(record).map(([name, value]) => {
    const member: AnnotatedMember = { name, value, note: note(name) };
    if (TIME_CLAIMS.has(name) && typeof value === 'number' && Number.isFinite(value)) {
      member.time = { utc: absoluteTime(value), relative: timePhrase(name, value, nowSec) };
    }
    return member;
  });
}

function httpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? value : undefined;
  } catch {
    return undefined;
  }
}

const allOk = (steps: Step[], key: string) => steps.some((s) => s.check === key && s.ok === true) && steps.every((s) => s.ok !== false);

/** Inspects one token. Network only with --issuer / --online (and introspection credentials). */
export async function inspect(token: string, o: InspectOptions = {}): Promise<InspectReport> {
  const now = o.now ?? Date.now;
  const nowSec = Math.floor(now() / 1000);
  const fetchFn: FetchFn = o.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = o.timeoutMs ?? 5000;
  const algorithms = o.algorithms?.length ? o.algorithms : [...DEFAULT_ALGORITHMS];
  const c = classifyToken(token);
  const shape = c.claims ? vendorShape(c.claims) : c.format === 'opaque' ? opaqueShape(token) : undefined;
  const isOpaque = c.format === 'opaque';

  const issuerOption = httpUrl(o.issuer);
  const tokenIssuer = o.online ? httpUrl(c.claims?.['iss']) : undefined;
  const issuer = issuerOption ?? tokenIssuer;
  const source: Verification['source'] = issuerOption ? 'issuer_option' : tokenIssuer ? 'token_iss' : 'none';

  let verification: Verification | null = null;
  let introspection: { endpoint: string; response?: Record<string, unknown> } | undefined;
  let jwks: { keys: unknown[] } | undefined;
  const asked = o.online === true || o.issuer !== undefined;

  if (c.kind === 'dpop_proof' && c.header) {
    const { steps } = await checkProof(token, c.header, c.claims, { algorithms, nowSec, toleranceSec: 5 });
    verification = { issuer: null, source: 'proof_jwk', verified: allOk(steps, 'signature'), steps };
  } else if (asked && c.format === 'jwe') {
    verification = { issuer: issuer ?? null, source, verified: false, steps: [{ check: 'decrypt', ok: null, detail: 'encrypted: only the recipient can read and verify it' }] };
  } else if (asked && !issuer) {
    const detail = o.issuer !== undefined ? `--issuer ${o.issuer} is not an http(s) URL` : 'the token names no issuer (iss) to go online with: give --issuer URL';
    verification = { issuer: null, source: 'none', verified: false, steps: [{ check: 'discovery', ok: false, detail }] };
  } else if (issuer && c.format === 'jws' && c.header) {
    const loaded = await loadIssuer(issuer, { fetch: fetchFn, timeoutMs, jwks: true });
    const steps = [...loaded.steps];
    jwks = loaded.jwks;
    if (loaded.jwks) steps.push(...(await checkSignature(token, c.header, c.claims, { jwks: loaded.jwks, algorithms, issuer, toleranceSec: 5, nowSec })));
    verification = { issuer, source, verified: allOk(steps, 'signature'), steps };
  } else if (issuer && isOpaque) {
    const loaded = await loadIssuer(issuer, { fetch: fetchFn, timeoutMs, jwks: false });
    const steps = [...loaded.steps];
    const endpoint = loaded.metadata?.introspection_endpoint;
    if (!loaded.metadata) {
      // Discovery failed; its step says why.
    } else if (typeof endpoint !== 'string') {
      steps.push({ check: 'introspection', ok: false, detail: 'the issuer\'s metadata has no introspection_endpoint' });
    } else if (!o.clientId || o.clientSecret === undefined) {
      steps.push({ check: 'introspection', ok: null, detail: 'needs --client-id and --client-secret (an API\'s or client\'s credentials)' });
    } else {
      const hint = c.kind === 'refresh_token' ? 'refresh_token' : 'access_token';
      const result = await introspect(endpoint, token, { clientId: o.clientId, clientSecret: o.clientSecret, hint, fetch: fetchFn, timeoutMs });
      steps.push(result.step);
      introspection = { endpoint, ...(result.response ? { response: result.response } : {}) };
    }
    verification = { issuer, source, verified: allOk(steps, 'introspection'), steps };
  }

  const answer = introspection?.response;
  const lane = describeLane(c, token, shape, answer ? { active: answer['active'] === true, token_type: typeof answer['token_type'] === 'string' ? answer['token_type'] : undefined } : undefined);
  const claimSource = c.claims ? 'jwt' : answer ? 'introspection' : null;
  const claimRecord = c.claims ?? answer;

  let verdict: Verdict | null = null;
  if (o.audience !== undefined) {
    verdict = await judge(token, {
      audience: o.audience,
      scopes: o.scopes ?? [],
      algorithms: o.algorithms,
      issuer,
      jwks,
      introspection: introspection && o.clientId && o.clientSecret !== undefined ? { endpoint: introspection.endpoint, clientId: o.clientId, clientSecret: o.clientSecret } : undefined,
      fetch: fetchFn,
      timeoutMs,
      now,
    });
  }

  let exit: 0 | 1;
  if (verdict) exit = verdict.status === 'accepted' || verdict.status === 'unverified' ? 0 : 1;
  else exit = lane.kind === 'not_a_token' || (verification !== null && asked && !verification.verified) ? 1 : 0;

  return {
    lanekeeper_inspect: INSPECT_JSON_VERSION,
    token: {
      length: token.length,
      preview: preview(token),
      ...(o.showToken ? { value: token } : {}),
      format: c.format,
      removed: o.removed ?? [],
    },
    lane,
    shape: shape ?? null,
    header: c.header ? annotate(c.header, (name) => headerNote(name, c.format === 'jwe'), nowSec) : null,
    claims: claimRecord ? annotate(claimRecord, (name) => claimNote(name, lane.kind), nowSec) : null,
    claims_source: claimSource,
    verification,
    verdict,
    exit_code: exit,
  };
}
