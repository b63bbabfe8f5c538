/** The to-do app's calls to the calendar API, recorded whole so a page can show the answer. */

export interface CalendarEntry {
  id: string;
  owner: string;
  title: string;
  date: string;
  created_by: string;
  created_at: string;
}

/** One request to the calendar API and its answer, as the app saw it. */
export interface ApiCall {
  method: 'GET' | 'POST';
  url: string;
  status: number;
  statusText: string;
  /** The WWW-Authenticate header of a refusal. */
  wwwAuthenticate?: string;
  /** The JSON body (or the text, if it was not JSON). */
  body: unknown;
}

export class CalendarClient {
  constructor(private readonly apiUrl: string) {}

  listEntries(accessToken: string): Promise<ApiCall> {
    return this.call('GET', '/entries', accessToken);
  }

  addEntry(accessToken: string, entry: { title: string; date: string }): Promise<ApiCall> {
    return this.call('POST', '/entries', accessToken, entry);
  }

  /** Sends any token as a Bearer token to GET /entries: the token-lanes page's experiment. */
  probe(token: string): Promise<ApiCall> {
    return this.call('GET', '/entries', token);
  }

  private async call(method: 'GET' | 'POST', path: string, token: string, body?: unknown): Promise<ApiCall> {
    const url = `${this.apiUrl}${path}`;
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // keep the text
    }
    const call: ApiCall = { method, url, status: response.status, statusText: response.statusText, body: parsed };
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
