// A small RFC 9068 issuer standing in for a foreign authorization server: its own key
// ids (RFC 7638 thumbprints), discovery metadata, a JWKS endpoint that counts fetches,
// and an RFC 7662 introspection endpoint.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, exportSPKI, generateKeyPair, SignJWT, base64url, type CryptoKey, type JWK } from 'jose';

export interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

export interface IssuerOptions {
  /** A path under the origin, e.g. '/tenant-a' (RFC 8414 §3.1 path-inserted discovery). */
  path?: string;
  /** Which well-known document to serve. Default 'oauth' (RFC 8414). */
  discovery?: 'oauth' | 'openid' | 'both';
  /** Cache-Control sent with the JWKS. Default 'max-age=600'. */
  jwksCacheControl?: string;
  /** issuer value in the metadata; default the real issuer. */
  metadataIssuer?: string;
  /** Credentials the introspection endpoint requires. */
  apiClient?: { id: string; secret: string };
}

export interface TokenOptions {
  claims?: Record<string, unknown>;
  /** Claims to remove from the defaults. */
  omit?: string[];
  header?: Record<string, unknown>;
  key?: SigningKey;
}

export class TestIssuer {
  url = '';
  jwksFetches = 0;
  introspectionRequests = 0;
  /** Answer introspection with HTTP 500 (or a dropped connection with 'drop'). */
  introspectionDown: false | 'error' | 'drop' = false;
  /** Delay before the JWKS answers, to widen races in tests. */
  jwksDelayMs = 0;
  readonly keys: SigningKey[] = [];
  /** The keys currently in the JWKS. */
  published: SigningKey[] = [];
  readonly opaque = new Map<string, Record<string, unknown>>();
  readonly #server: Server;
  readonly #options: IssuerOptions;
  #lastIntrospectionAuth: string | undefined;

  private constructor(options: IssuerOptions) {
    this.#options = options;
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  static async start(options: IssuerOptions = {}): Promise<TestIssuer> {
    const issuer = new TestIssuer(options);
    await new Promise<void>((resolve) => issuer.#server.listen(0, '127.0.0.1', resolve));
    const { port } = issuer.#server.address() as AddressInfo;
    issuer.url = `http://127.0.0.1:${port}${options.path ?? ''}`;
    issuer.published = [await issuer.addKey('RS256')];
    return issuer;
  }

  get origin(): string {
    return new URL(this.url).origin;
  }
  get jwksUri(): string {
    return `${this.url}/jwks`;
  }
  get introspectionEndpoint(): string {
    return `${this.url}/introspect`;
  }
  get apiClient() {
    return this.#options.apiClient ?? { id: 'calendar-api', secret: 'calendar-api-secret' };
  }
  get lastIntrospectionAuthorization(): string | undefined {
    return this.#lastIntrospectionAuth;
  }

  /** Generates a key with an RFC 7638 thumbprint kid (or the given kid). Not published until `publish`. */
  async addKey(alg: 'RS256' | 'PS256' | 'ES256' | 'EdDSA' = 'RS256', kid?: string): Promise<SigningKey> {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const key: SigningKey = {
      kid: kid ?? (await calculateJwkThumbprint(publicJwk)),
      alg,
      privateKey,
      publicKey,
      publicJwk: { ...publicJwk, use: 'sig', alg },
    };
    key.publicJwk.kid = key.kid;
    this.keys.push(key);
    return key;
  }

  get key(): SigningKey {
    const key = this.published[0];
    if (!key) throw new Error('no published key');
    return key;
  }

  async publicKeyPem(key = this.key): Promise<string> {
    return exportSPKI(key.publicKey);
  }

  /** An RFC 9068 access token for `audience`, signed with the first published key. */
  async accessToken(audience: string, options: TokenOptions = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      iss: this.url,
      sub: 'user_7Hq2',
      aud: audience,
      client_id: 'todo-web',
      scope: 'read:calendar write:calendar',
      iat: now,
      exp: now + 600,
      jti: randomUUID(),
      ...options.claims,
    };
    for (const name of options.omit ?? []) delete claims[name];
    return this.sign(claims, { typ: 'at+jwt', ...options.header }, options.key);
  }

  /** An OpenID Connect ID token for client `todo-web`. */
  async idToken(options: TokenOptions = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      iss: this.url,
      sub: 'user_7Hq2',
      aud: 'todo-web',
      iat: now,
      exp: now + 600,
      auth_time: now - 5,
      nonce: 'n-0S6_WzA2Mj',
      ...options.claims,
    };
    return this.sign(claims, { typ: 'JWT', ...options.header }, options.key);
  }

  async sign(claims: Record<string, unknown>, header: Record<string, unknown>, key = this.key): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, ...header }).sign(key.privateKey);
  }

  /**
   * Signs a payload segment given as is (not encoded here): for tokens whose payload segment
   * no well-behaved issuer would produce.
   */
  async signRaw(payloadSegment: string, header: Record<string, unknown>, key = this.key): Promise<string> {
    const input = `${base64url.encode(JSON.stringify({ alg: key.alg, kid: key.kid, ...header }))}.${payloadSegment}`;
    const params: Record<string, AlgorithmIdentifier | RsaPssParams | EcdsaParams> = {
      RS256: 'RSASSA-PKCS1-v1_5',
      PS256: { name: 'RSA-PSS', saltLength: 32 },
      ES256: { name: 'ECDSA', hash: 'SHA-256' },
      EdDSA: 'Ed25519',
    };
    const algorithm = params[key.alg];
    if (!algorithm) throw new Error(`signRaw: no WebCrypto parameters for ${key.alg}`);
    const signature = await crypto.subtle.sign(algorithm, key.privateKey, new TextEncoder().encode(input));
    return `${input}.${base64url.encode(new Uint8Array(signature))}`;
  }

  /** Serves a new JWKS with exactly these keys. */
  publish(...keys: SigningKey[]): void {
    this.published = keys;
  }

  /** Registers an opaque token's introspection answer. */
  registerOpaque(token: string, response: Record<string, unknown>): void {
    this.opaque.set(token, response);
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', this.origin).pathname;
    const issuerPath = this.#options.path ?? '';
    const discovery = this.#options.discovery ?? 'oauth';
    const metadata = () => ({
      issuer: this.#options.metadataIssuer ?? this.url,
      jwks_uri: this.jwksUri,
      introspection_endpoint: this.introspectionEndpoint,
      token_endpoint: `${this.url}/token`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
    });
    if (path === `/.well-known/oauth-authorization-server${issuerPath}` && discovery !== 'openid') return json(res, 200, metadata());
    if (path === `${issuerPath}/.well-known/openid-configuration` && discovery !== 'oauth') return json(res, 200, metadata());
    if (path === `${issuerPath}/jwks`) {
      this.jwksFetches++;
      if (this.jwksDelayMs) await new Promise((r) => setTimeout(r, this.jwksDelayMs));
      return json(res, 200, { keys: this.published.map((k) => k.publicJwk) }, {
        'cache-control': this.#options.jwksCacheControl ?? 'max-age=600',
      });
    }
    if (path === `${issuerPath}/introspect` && req.method === 'POST') return this.#introspect(req, res);
    json(res, 404, { error: 'not_found' });
  }

  async #introspect(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.introspectionRequests++;
    if (this.introspectionDown === 'drop') {
      req.socket.destroy();
      return;
    }
    if (this.introspectionDown === 'error') return json(res, 500, { error: 'server_error' });
    this.#lastIntrospectionAuth = req.headers.authorization;
    const expected = `Basic ${Buffer.from(`${this.apiClient.id}:${this.apiClient.secret}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return json(res, 401, { error: 'invalid_client' });
    if (req.headers['content-type'] !== 'application/x-www-form-urlencoded') return json(res, 400, { error: 'invalid_request' });
    let body = '';
    for await (const chunk of req) body += chunk;
    const token = new URLSearchParams(body).get('token') ?? '';
    json(res, 200, this.opaque.get(token) ?? { active: false });
  }
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** An unsigned token (alg none), built by hand since no library should make one. */
export function unsignedToken(claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const enc = (v: unknown) => base64url.encode(JSON.stringify(v));
  return `${enc({ alg: 'none', typ: 'at+jwt', ...header })}.${enc(claims)}.`;
}

/** Replaces a JWT's payload with `claims`, keeping header and signature. */
export function tamper(token: string, change: (claims: Record<string, unknown>) => void): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as Record<string, unknown>;
  change(claims);
  return `${header}.${base64url.encode(JSON.stringify(claims))}.${signature}`;
}
