import { lookup } from 'node:dns/promises';
import { request } from 'node:http';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { ipLiteral, isLoopbackAddress, isPublicAddress } from './public-address.js';

/**
 * A GET for documents a client points us at (Client ID Metadata Documents, their JWKS),
 * hardened against server-side request forgery:
 *
 * - https only, no credentials in the URL;
 * - the host is resolved once, and every address it resolves to must be public; the
 *   connection then goes to the checked address (so DNS rebinding cannot switch it);
 * - redirects are refused, not followed; only 200 with an accepted Content-Type counts;
 * - the body is capped (the cap is enforced while reading, not only by Content-Length);
 * - one deadline covers resolving, connecting and reading.
 *
 * Resolving and connecting are injectable, so tests can show that a refused address is
 * never connected to, without any connection leaving loopback.
 */

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Resolve = (hostname: string) => Promise<ResolvedAddress[]>;

export interface ConnectTarget {
  /** The checked address to connect to. */
  address: string;
  port: number;
  /** The host name for SNI and certificate checks (undefined when the URL names an IP). */
  servername: string | undefined;
  /** PEM CA certificates to trust instead of the system's (the development fixture only). */
  ca: string | undefined;
  signal: AbortSignal;
}

/** Opens a TLS connection that has completed its handshake and verified the peer. */
export type Connect = (target: ConnectTarget) => Promise<Duplex>;

export interface FetchDeps {
  resolve: Resolve;
  connect: Connect;
}

export interface SafeFetchOptions {
  timeoutMs: number;
  maxBytes: number;
  /** Accepted media types (the Content-Type's essence, lower case). */
  accept: readonly string[];
  /**
   * Development only: one https origin on loopback that may be fetched, trusting `ca`.
   * Everything else stays refused.
   */
  loopbackFixture?: { origin: string; ca: string } | undefined;
}

export interface FetchedDocument {
  body: string;
  cacheControl: string | undefined;
}

/** A refused or failed fetch; `reason` is meant for a person (shown on error pages). */
export class FetchRefused extends Error {
  override name = 'FetchRefused';
  constructor(readonly reason: string) {
    super(reason);
  }
}

export const defaultResolve: Resolve = async (hostname) => {
  const found = await lookup(hostname, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

export const defaultConnect: Connect = (target) =>
  new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host: target.address,
      port: target.port,
      ...(target.servername ? { servername: target.servername } : {}),
      ...(target.ca ? { ca: target.ca } : {}),
      ALPNProtocols: ['http/1.1'],
      rejectUnauthorized: true,
    });
    const onAbort = () => socket.destroy(new Error('aborted'));
    target.signal.addEventListener('abort', onAbort, { once: true });
    socket.once('secureConnect', () => {
      target.signal.removeEventListener('abort', onAbort);
      resolve(socket);
    });
    socket.once('error', (err) => {
      target.signal.removeEventListener('abort', onAbort);
      reject(err);
    });
  });

export const defaultFetchDeps: FetchDeps = { resolve: defaultResolve, connect: defaultConnect };

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

function withDeadline<T>(work: Promise<T>, signal: AbortSignal, seconds: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new FetchRefused(`it did not answer within ${seconds} s`));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** The addresses to connect to, every one checked; throws before any connection otherwise. */
async function checkedAddresses(url: URL, options: SafeFetchOptions, deps: FetchDeps, fixture: boolean): Promise<string[]> {
  const literal = ipLiteral(url.hostname);
  let addresses: string[];
  if (literal) {
    addresses = [literal];
  } else {
    let resolved: ResolvedAddress[];
    try {
      resolved = await deps.resolve(url.hostname);
    } catch {
      throw new FetchRefused(`its host ${url.hostname} could not be resolved`);
    }
    addresses = resolved.map((a) => a.address);
  }
  if (addresses.length === 0) throw new FetchRefused(`its host ${url.hostname} could not be resolved`);
  for (const address of addresses) {
    if (fixture ? !isLoopbackAddress(address) : !isPublicAddress(address)) {
      throw new FetchRefused(`its host ${url.hostname} resolves to ${address}, which is not a public address (loopback, private, link-local and metadata-service addresses are refused)`);
    }
  }
  return addresses;
}

function readResponse(socket: Duplex, url: URL, options: SafeFetchOptions): Promise<FetchedDocument> {
  return new Promise((resolve, reject) => {
    const req = request({
      createConnection: () => socket as never,
      method: 'GET',
      path: `${url.pathname}${url.search}`,
      setHost: false,
      headers: { host: url.host, accept: options.accept.join(', '), 'user-agent': 'Lanekeeper', connection: 'close' },
    });
    req.once('error', (err) => reject(err instanceof FetchRefused ? err : new FetchRefused(`the request failed (${(err as NodeJS.ErrnoException).code ?? err.message})`)));
    req.once('response', (res) => {
      const status = res.statusCode ?? 0;
      const refuse = (reason: string) => {
        res.destroy();
        req.destroy();
        reject(new FetchRefused(reason));
      };
      if (status >= 300 && status < 400) return refuse(`it answered with a redirect (HTTP ${status}); redirects are not followed`);
      if (status !== 200) return refuse(`it answered HTTP ${status}`);
      const type = mediaType(res.headers['content-type']);
      if (!options.accept.includes(type)) return refuse(`its Content-Type is ${type ? `"${type}"` : 'missing'}; it must be ${options.accept.join(' or ')}`);
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > options.maxBytes) return refuse(`it is larger than ${options.maxBytes} bytes`);
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) return refuse(`it is larger than ${options.maxBytes} bytes`);
        chunks.push(chunk);
      });
      res.once('error', (err) => reject(new FetchRefused(`reading it failed (${err.message})`)));
      res.once('end', () => {
        if (size > options.maxBytes) return;
        let body: string;
        try {
          body = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
        } catch {
          return reject(new FetchRefused('it is not valid UTF-8'));
        }
        const cacheControl = res.headers['cache-control'];
        resolve({ body, cacheControl: Array.isArray(cacheControl) ? cacheControl.join(', ') : cacheControl });
      });
    });
    req.end();
  });
}

/** Fetches `rawUrl` under the rules above; throws FetchRefused with the reason otherwise. */
export async function safeFetch(rawUrl: string, options: SafeFetchOptions, deps: FetchDeps = defaultFetchDeps): Promise<FetchedDocument> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new FetchRefused('it is not a URL');
  }
  if (url.protocol !== 'https:') throw new FetchRefused('it is not an https URL');
  if (url.username || url.password) throw new FetchRefused('it carries a user name or password');
  const fixture = options.loopbackFixture !== undefined && url.origin === options.loopbackFixture.origin;
  const controller = new AbortController();
  const seconds = (options.timeoutMs / 1000).toString();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  let socket: Duplex | undefined;
  try {
    const addresses = await withDeadline(checkedAddresses(url, options, deps, fixture), controller.signal, seconds);
    const literal = ipLiteral(url.hostname);
    const connecting = deps.connect({
      address: addresses[0]!,
      port: url.port ? Number(url.port) : 443,
      servername: literal ? undefined : url.hostname,
      ca: fixture ? options.loopbackFixture!.ca : undefined,
      signal: controller.signal,
    });
    // A connection that completes after the deadline is closed at once.
    connecting.then(
      (late) => {
        if (controller.signal.aborted) late.destroy();
      },
      () => {},
    );
    try {
      socket = await withDeadline(connecting, controller.signal, seconds);
    } catch (err) {
      if (err instanceof FetchRefused) throw err;
      throw new FetchRefused(`the connection failed (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    return await withDeadline(readResponse(socket, url, options), controller.signal, seconds);
  } finally {
    clearTimeout(timer);
    socket?.destroy();
  }
}
