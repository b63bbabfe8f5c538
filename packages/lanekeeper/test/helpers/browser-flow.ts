import { createHash, randomBytes } from 'node:crypto';
import type { RunningServer } from '../../src/http/server.js';

/** A minimal cookie jar for driving the login pages with fetch (no browser). */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export async function get(url: string, jar: CookieJar): Promise<Response> {
  const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
  jar.store(res);
  return res;
}

export async function post(url: string, form: Record<string, string>, jar: CookieJar, headers: Record<string, string> = {}): Promise<Response> {
  const res = await fetch(url, { method: 'POST', redirect: 'manual', headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form) });
  jar.store(res);
  return res;
}

export function hiddenField(html: string, name: string): string {
  const m = new RegExp(`name="${name}"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="${name}"`).exec(html);
  if (!m) throw new Error(`no field ${name} in page`);
  return (m[1] ?? m[2])!;
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface FlowOptions {
  clientId: string;
  redirectUri: string;
  scope?: string;
  resource?: string | string[];
  params?: Record<string, string>;
  login?: { email: string; password: string };
  consent?: 'allow' | 'deny';
  jar?: CookieJar;
}

export interface FlowResult {
  jar: CookieJar;
  verifier: string;
  /** The final redirect to the client. */
  redirect: URL;
  code?: string;
  pages: string[];
}

/** Drives /authorize → login → consent → back to the client, as a browser without JavaScript would. */
export async function authorizationFlow(server: RunningServer, options: FlowOptions): Promise<FlowResult> {
  const jar = options.jar ?? new CookieJar();
  const { verifier, challenge } = pkce();
  const url = new URL(`${server.issuer}/authorize`);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', options.clientId);
  url.searchParams.set('redirect_uri', options.redirectUri);
  url.searchParams.set('code_challenge', challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', 'st-' + randomBytes(4).toString('hex'));
  if (options.scope) url.searchParams.set('scope', options.scope);
  for (const r of [options.resource ?? []].flat()) url.searchParams.append('resource', r);
  for (const [k, v] of Object.entries(options.params ?? {})) url.searchParams.set(k, v);
  return { ...(await followAuthorization(server, url.toString(), { ...options, jar })), verifier };
}

/** Follows an authorization URL (from any client library) through login and consent to the client's redirect. */
export async function followAuthorization(
  server: RunningServer,
  authorizationUrl: string,
  options: { login?: { email: string; password: string }; consent?: 'allow' | 'deny'; jar?: CookieJar },
): Promise<Omit<FlowResult, 'verifier'>> {
  const jar = options.jar ?? new CookieJar();
  const pages: string[] = [];
  let res = await get(authorizationUrl, jar);
  for (let step = 0; step < 6; step++) {
    if (res.status !== 303) throw new Error(`unexpected ${res.status}: ${(await res.text()).slice(0, 300)}`);
    const location = new URL(res.headers.get('location')!, server.issuer);
    if (!location.href.startsWith(server.issuer)) {
      return { jar, redirect: location, code: location.searchParams.get('code') ?? undefined, pages };
    }
    const page = await get(location.toString(), jar);
    const html = await page.text();
    pages.push(html);
    const interaction = hiddenField(html, 'interaction');
    const csrf = hiddenField(html, 'csrf');
    if (location.pathname.endsWith('/login')) {
      if (!options.login) throw new Error('login page shown but no credentials given');
      res = await post(location.origin + location.pathname, { interaction, csrf, email: options.login.email, password: options.login.password }, jar);
      if (res.status === 401) throw new Error('login failed');
    } else if (location.pathname.endsWith('/consent')) {
      if (!options.consent) throw new Error('consent page shown but no decision given');
      res = await post(location.origin + location.pathname, { interaction, csrf, decision: options.consent }, jar);
    } else {
      throw new Error(`unexpected page ${location}`);
    }
  }
  throw new Error('too many steps');
}
