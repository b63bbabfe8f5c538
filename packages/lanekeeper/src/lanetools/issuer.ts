/**
 * Reaching an issuer for `inspect`: its metadata (the guard's discovery rules: RFC 8414,
 * path-inserted, then OpenID Connect, and the metadata must name the issuer), then its JWKS.
 * Each step is reported, so a failure says where it stopped.
 */
import { discover, type IssuerMetadata } from '@lanekeeper/guard/check';
import type { JWK } from 'jose';

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

/** One step of a verification, as reported. `ok: null` means not checked. */
export interface Step {
  check: string;
  ok: boolean | null;
  detail: string;
}

export interface IssuerKeys {
  issuer: string;
  metadata: IssuerMetadata | undefined;
  jwks: { keys: JWK[] } | undefined;
  steps: Step[];
}

export interface IssuerOptions {
  fetch: FetchFn;
  timeoutMs: number;
  /** Whether the JWKS is needed (not for opaque tokens). */
  jwks: boolean;
}

const MAX_BODY = 1024 * 1024;

async function getJson(fetchFn: FetchFn, url: string, timeoutMs: number): Promise<unknown> {
  const response = await fetchFn(url, { headers: { accept: 'application/jwk-set+json, application/json' }, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
  const text = await response.text();
  if (text.length > MAX_BODY) throw new Error('response body too large');
  try {
    return JSON.parse(text);
  } catch {
    throw new Error('the response is not JSON');
  }
}

function reason(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error.cause as { code?: string } | undefined)?.code;
    return cause ? `${error.message} (${cause})` : error.message;
  }
  return String(error);
}

/** Loads the issuer's metadata and (when asked) its JWKS, reporting each step. Never throws. */
export async function loadIssuer(issuer: string, o: IssuerOptions): Promise<IssuerKeys> {
  const steps: Step[] = [];
  let metadata: IssuerMetadata;
  try {
    metadata = await discover(issuer, o.fetch, o.timeoutMs);
    steps.push({ check: 'discovery', ok: true, detail: `metadata of ${issuer}` });
  } catch (error) {
    steps.push({ check: 'discovery', ok: false, detail: reason(error) });
    return { issuer, metadata: undefined, jwks: undefined, steps };
  }
  if (!o.jwks) return { issuer, metadata, jwks: undefined, steps };
  const uri = metadata.jwks_uri;
  if (typeof uri !== 'string') {
    steps.push({ check: 'jwks', ok: false, detail: 'the metadata has no jwks_uri' });
    return { issuer, metadata, jwks: undefined, steps };
  }
  try {
    const body = await getJson(o.fetch, uri, o.timeoutMs);
    const keys = typeof body === 'object' && body !== null && Array.isArray((body as { keys?: unknown }).keys) ? ((body as { keys: JWK[] }).keys) : undefined;
    if (!keys) throw new Error('no keys array');
    steps.push({ check: 'jwks', ok: true, detail: `${uri}: ${keys.length} key${keys.length === 1 ? '' : 's'}` });
    return { issuer, metadata, jwks: { keys }, steps };
  } catch (error) {
    steps.push({ check: 'jwks', ok: false, detail: `${uri}: ${reason(error)}` });
    return { issuer, metadata, jwks: undefined, steps };
  }
}
