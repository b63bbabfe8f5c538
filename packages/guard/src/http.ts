/** The fetch function the guard calls; injectable for tests and custom agents. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/** Largest response body the guard reads from the issuer (metadata, JWKS, introspection). */
const MAX_BODY_BYTES = 1024 * 1024;

/** Fetches and parses JSON with a timeout. Throws on network errors, timeouts, oversize or non-JSON bodies. */
export async function fetchJson(fetchFn: FetchLike, url: string, init: RequestInit, timeoutMs: number): Promise<JsonResponse> {
  const response = await fetchFn(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.text();
  if (text.length > MAX_BODY_BYTES) throw new Error(`${url}: response body too large`);
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new Error(`${url}: response is not JSON`);
  }
  return { status: response.status, headers: response.headers, body };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
