import { TOKEN68 } from './lanes/constants.js';

type HeaderValue = string | string[] | undefined;

/**
 * A Node `IncomingMessage`, or a framework request built on one (Express's `req`,
 * Fastify's `request`). Only these members are read.
 */
export interface NodeLikeRequest {
  method?: string | undefined;
  /** Path and query (`/calendar?x=1`), or an absolute URL. */
  url?: string | undefined;
  /** Express keeps the unmounted path here; preferred over `url` when present. */
  originalUrl?: string | undefined;
  headers: Record<string, HeaderValue>;
  /** Used to detect a repeated Authorization header, which Node folds into the first one. */
  rawHeaders?: readonly string[] | undefined;
  /** `https` behind a trusted proxy (Express `req.protocol`, Fastify `request.protocol`). */
  protocol?: string | undefined;
  /** A TLS socket has `encrypted: true`. */
  socket?: unknown;
  /** A body the framework has already parsed; only `access_token` is looked at. */
  body?: unknown;
  /** Fastify keeps the Node request here (its `rawHeaders` are read when the request has none). */
  raw?: { rawHeaders?: readonly string[] | undefined } | undefined;
}

/** Anything the guard can read a token from: a fetch `Request` or a Node-style request. */
export type GuardRequest = Request | NodeLikeRequest;

export type ExtractFailure = 'missing' | 'unsupported_scheme' | 'in_query' | 'in_body' | 'multiple' | 'malformed';

export interface ExtractedToken {
  scheme: 'Bearer' | 'DPoP';
  token: string;
}

/** What the guard reads of every request; what only a DPoP-bound token needs is read from `request` when needed. */
export interface RequestView {
  /** The raw Authorization header (first one) if any. */
  authorization: string | undefined;
  /** More than one Authorization header field was sent. */
  repeatedAuthorization: boolean;
  /** The request target as received: absolute (fetch) or path + query (Node). */
  target: string;
  /** A form body the framework already parsed. */
  body: unknown;
  /** The request itself: its method, DPoP header and URL ({@link requestMethod}, {@link dpopHeader}, {@link absoluteUrl}). */
  request: GuardRequest;
}

function isFetchRequest(request: GuardRequest): request is Request {
  return typeof (request.headers as Headers).get === 'function';
}

function first(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function countAuthorization(rawHeaders: readonly string[]): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    // As clients spell it first, then any other case.
    if (name === 'Authorization' || name === 'authorization' || (name !== undefined && name.length === 13 && name.toLowerCase() === 'authorization')) count++;
  }
  return count;
}

/** Reads what the guard needs from either request shape, without consuming any body. */
export function viewRequest(request: GuardRequest): RequestView {
  if (isFetchRequest(request)) {
    return {
      authorization: request.headers.get('authorization') ?? undefined,
      repeatedAuthorization: false, // Headers joins repeats with ", ", caught as a malformed/multiple value
      target: request.url,
      body: undefined,
      request,
    };
  }
  return viewNodeRequest(request, request.headers, request.rawHeaders ?? request.raw?.rawHeaders, request.originalUrl ?? request.url ?? '/', request.body);
}

/**
 * {@link viewRequest} for a Node-style request whose parts the caller has at hand (an
 * adapter reads each once): its headers, the raw header list, the request target and the
 * parsed body, if any. `request` is read later only for a DPoP-bound token.
 */
export function viewNodeRequest(
  request: NodeLikeRequest,
  headers: Record<string, HeaderValue>,
  rawHeaders: readonly string[] | undefined,
  target: string,
  body: unknown,
): RequestView {
  const authorization = headers['authorization'];
  return {
    authorization: first(authorization),
    repeatedAuthorization:
      typeof authorization === 'string' ? rawHeaders !== undefined && countAuthorization(rawHeaders) > 1 : Array.isArray(authorization) && authorization.length > 1,
    target,
    // RFC 6750 §2.2 defines only form bodies; a JSON field named access_token is the API's business.
    body: body !== undefined && /^application\/x-www-form-urlencoded/i.test(first(headers['content-type']) ?? '') ? body : undefined,
    request,
  };
}

/** The request's method (what a DPoP proof's `htm` must name). */
export function requestMethod(view: RequestView): string {
  return view.request.method ?? 'GET';
}

/** The request's DPoP header field(s). */
export function dpopHeader(view: RequestView): string | readonly string[] | undefined {
  const request = view.request;
  return isFetchRequest(request) ? (request.headers.get('dpop') ?? undefined) : request.headers['dpop'];
}

/**
 * The absolute URL of the request (what a DPoP proof's `htu` must name): built from
 * `publicOrigin` when the API sits behind a proxy, else from the request itself.
 */
export function absoluteUrl(view: RequestView, publicOrigin: string | undefined): string {
  const request = view.request;
  if (isFetchRequest(request)) return publicOrigin ? publicOrigin + new URL(request.url).pathname : request.url;
  const target = view.target;
  if (/^https?:\/\//i.test(target)) return target;
  if (publicOrigin) return publicOrigin + target;
  const scheme = request.protocol ?? ((request.socket as { encrypted?: unknown } | undefined)?.encrypted === true ? 'https' : 'http');
  return `${scheme}://${first(request.headers['host']) ?? 'localhost'}${target}`;
}

function queryHasToken(target: string): boolean {
  const q = target.indexOf('?');
  if (q === -1 || !target.includes('access_token', q)) return false;
  const hash = target.indexOf('#', q);
  return new URLSearchParams(target.slice(q + 1, hash === -1 ? undefined : hash)).has('access_token');
}

function bodyHasToken(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'access_token' in body;
}

/**
 * The one token of a request, from its Authorization header only (RFC 6750 §2.1, RFC 9449 §7.1).
 * A token in the query or a parsed body is never used: alone it is `in_query`/`in_body`,
 * beside a header token it is `multiple`.
 *
 * The token's characters are not checked here: {@link tokenSyntaxFailure} does that, and
 * the guard runs it before any refusal, introspection or key fetch. A JWT access token that
 * verifies needs no separate pass (see `splitCompactJws`).
 */
export function extractToken(view: RequestView): ExtractedToken | ExtractFailure {
  const inQuery = queryHasToken(view.target);
  const inBody = bodyHasToken(view.body);
  const header = view.authorization;
  if (header === undefined || header === '') {
    if (inQuery && inBody) return 'multiple';
    return inQuery ? 'in_query' : inBody ? 'in_body' : 'missing';
  }
  if (view.repeatedAuthorization || inQuery || inBody) return 'multiple';

  const space = header.indexOf(' ');
  let scheme: ExtractedToken['scheme'] | undefined;
  // The scheme is case-insensitive (RFC 9110 §11.1); as clients spell it first.
  if (space === 6 && header.startsWith('Bearer')) scheme = 'Bearer';
  else if (space === 4 && header.startsWith('DPoP')) scheme = 'DPoP';
  else {
    const schemeName = (space === -1 ? header : header.slice(0, space)).toLowerCase();
    if (schemeName === 'bearer') scheme = 'Bearer';
    else if (schemeName === 'dpop') scheme = 'DPoP';
  }
  if (scheme === undefined) {
    // "Basic x, Bearer y": two Authorization fields joined by fetch's Headers.
    const lower = header.toLowerCase();
    return lower.includes(', bearer ') || lower.includes(', dpop ') ? 'multiple' : 'unsupported_scheme';
  }

  // Extra spaces after the scheme are tolerated (RFC 9110 §11.4 allows 1*SP).
  const token = header.charCodeAt(space + 1) === 32 ? header.slice(space + 1).replace(/^ +/, '') : header.slice(space + 1);
  if (space === -1 || token === '') return 'malformed';
  return { scheme, token };
}

/** Why a token taken from the Authorization header is not RFC 7235 token68; undefined when it is. */
export function tokenSyntaxFailure(token: string): ExtractFailure | undefined {
  if (TOKEN68.test(token)) return undefined;
  return token.includes(',') ? 'multiple' : 'malformed';
}
