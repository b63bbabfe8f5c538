/**
 * The to-do app's calls to the calendar API, recorded whole so a page can show the answer.
 * A DPoP-bound access token goes with a proof of the session's key; any other token goes
 * as a plain Bearer token.
 */
import type { AppKey } from './oidc.js';

export interface CalendarEntry {
  id: string;
  owner: string;
  title: string;
  date: string;
  created_by: string;
  created_at: string;
}

/** A token to send, and the DPoP key it is bound to (then it goes with a proof). */
export interface Credential {
  token: string;
  key?: AppKey;
}

/** Sends a request with a DPoP-bound token and a fresh proof (RelyingParty.fetchWithProof). */
export type ProofFetch = (accessToken: string, url: URL, method: string, key: AppKey, body?: string, headers?: Headers) => Promise<Response>;

/** One request to the calendar API and its answer, as the app saw it. */
export interface ApiCall {
  method: 'GET' | 'POST';
  url: string;
  /** How the token went: `DPoP` (with a proof in the DPoP header) or `Bearer` (the token alone). */
  scheme: 'Bearer' | 'DPoP';
  status: number;
  statusText: string;
  /** The WWW-Authenticate header of a refusal. */
  wwwAuthenticate?: string;
  /** The JSON body (or the text, if it was not JSON). */
  body: unknown;
}

export class CalendarClient {
  constructor(
    private readonly apiUrl: string,
    private readonly withProof: ProofFetch,
  ) {}

  listEntries(credential: Credential): Promise<ApiCall> {
    return this.call('GET', '/entries', credential);
  }

  addEntry(credential: Credential, entry: { title: string; date: string }): Promise<ApiCall> {
    return this.call('POST', '/entries', credential, entry);
  }

  /**
   * Sends a token to GET /entries: the token-lanes page's experiment. Without a key the
   * token goes as a plain Bearer token, whatever it is.
   */
  probe(credential: Credential): Promise<ApiCall> {
    return this.call('GET', '/entries', credential);
  }

  private async call(method: 'GET' | 'POST', path: string, { token, key }: Credential, body?: unknown): Promise<ApiCall> {
    const url = `${this.apiUrl}${path}`;
    const headers = new Headers({ accept: 'application/json' });
    if (body !== undefined) headers.set('content-type', 'application/json');
    const payload = body === undefined ? undefined : JSON.stringify(body);
    let response: Response;
    if (key) {
      response = await this.withProof(token, new URL(url), method, key, payload, headers);
    } else {
      headers.set('authorization', `Bearer ${token}`);
      response = await fetch(url, { method, headers, body: payload, signal: AbortSignal.timeout(10_000) });
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // keep the text
    }
    const call: ApiCall = { method, url, scheme: key ? 'DPoP' : 'Bearer', status: response.status, statusText: response.statusText, body: parsed };
    const challenge = response.headers.get('www-authenticate');
    if (challenge) call.wwwAuthenticate = challenge;
    return call;
  }
}

export function entriesOf(call: ApiCall): CalendarEntry[] {
  const body = call.body as { entries?: CalendarEntry[] } | undefined;
  return call.status === 200 && Array.isArray(body?.entries) ? body.entries : [];
}

/** The `error` and `error_description` of a refusal, from the JSON body or the challenge. */
export function refusalOf(call: ApiCall): { error?: string; description?: string } {
  const body = (typeof call.body === 'object' && call.body !== null ? call.body : {}) as Record<string, unknown>;
  const fromHeader = (name: string) => call.wwwAuthenticate?.match(new RegExp(`${name}="((?:[^"\\\\]|\\\\.)*)"`))?.[1]?.replace(/\\(.)/g, '$1');
  const error = typeof body.error === 'string' ? body.error : fromHeader('error');
  const description = typeof body.error_description === 'string' ? body.error_description : fromHeader('error_description');
  return { ...(error ? { error } : {}), ...(description ? { description } : {}) };
}
