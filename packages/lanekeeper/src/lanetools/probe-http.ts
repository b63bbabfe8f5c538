/** Sending one probe to the API, and reading what came back (status and WWW-Authenticate). */
import type { FetchFn } from './issuer.js';

export interface Target {
  url: string;
  method: string;
  /** Extra request headers (`--header`), in order. */
  headers: Array<[string, string]>;
  /** Request body (`--data`). */
  data?: string | undefined;
  timeoutMs: number;
  fetch: FetchFn;
}

/** Where a probe puts its token. */
export type Placement = 'bearer' | 'query' | 'none';

export interface ProbeResponse {
  status: number;
  www_authenticate: string | null;
  /** The challenge's `error` and `error_description` (RFC 6750 section 3). */
  error: string | null;
  error_description: string | null;
}

function param(challenge: string, name: string): string | null {
  const match = new RegExp(`(?:^|[\\s,])${name}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(challenge) ?? new RegExp(`(?:^|[\\s,])${name}=([^\\s,"]+)`, 'i').exec(challenge);
  return match?.[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : null;
}

/** The URL with `access_token` added to its query. */
export function withQueryToken(url: string, token: string): string {
  const u = new URL(url);
  u.searchParams.append('access_token', token);
  return u.toString();
}

function contentType(data: string): string {
  try {
    JSON.parse(data);
    return 'application/json';
  } catch {
    return 'application/x-www-form-urlencoded';
  }
}

/** Sends one request; a network failure or timeout is returned as `failure`. Never follows redirects. */
export async function send(target: Target, placement: Placement, token?: string): Promise<ProbeResponse | { failure: string }> {
  const headers = new Headers();
  for (const [name, value] of target.headers) headers.append(name, value);
  if (target.data !== undefined && !headers.has('content-type')) headers.set('content-type', contentType(target.data));
  if (placement === 'bearer' && token !== undefined) headers.set('authorization', `Bearer ${token}`);
  const url = placement === 'query' && token !== undefined ? withQueryToken(target.url, token) : target.url;
  let response: Response;
  try {
    response = await target.fetch(url, {
      method: target.method,
      headers,
      ...(target.data !== undefined ? { body: target.data } : {}),
      redirect: 'manual',
      signal: AbortSignal.timeout(target.timeoutMs),
    });
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    return { failure: e.name === 'TimeoutError' ? `no answer within ${target.timeoutMs / 1000} s` : (e.cause?.code ?? e.message) };
  }
  await response.body?.cancel().catch(() => undefined);
  const challenge = response.headers.get('www-authenticate');
  return {
    status: response.status,
    www_authenticate: challenge,
    error: challenge ? param(challenge, 'error') : null,
    error_description: challenge ? param(challenge, 'error_description') : null,
  };
}
