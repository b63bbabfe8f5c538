import type { SigningAlg } from '../config/schema.js';
import type { ClientRecord, Store } from '../store/index.js';
import { nowSeconds } from '../store/index.js';
import { randomId, randomToken, safeEqual } from '../util/hash.js';
import { PREFIX } from '../util/prefixes.js';
import type { Registry } from './registry.js';
import { parseRegistrationRequest, RegistrationError, type RegistrationMetadata } from './registration-request.js';
import { hashSecret, verifySecret } from './secrets.js';

/**
 * RFC 7591 dynamic client registration, with RFC 7592 read and delete for the holder of
 * the registration access token. Registered clients are third-party, use
 * authorization_code (and refresh_token) only, and get their rights from the policy at
 * every read: the APIs and scopes they may ask for, and whether refresh tokens are allowed.
 */
export interface RegistrationPolicy {
  /** Registration is open when undefined; otherwise it needs `Authorization: Bearer <this>`. */
  initialAccessToken: string | undefined;
  /** API identifier → the scopes registered clients may ask for there. */
  apis: Record<string, string[]>;
  refreshTokens: boolean;
  idTokenAlg: SigningAlg;
  /** Registrations per IP address per window (seconds). */
  perIp: number;
  window: number;
}

/** Generated client ids: not `lk_` (reserved for subjects and server ids), 128 random bits. */
const CLIENT_ID_PREFIX = 'dcr_';
const OIDC_SCOPES = ['openid', 'profile', 'email', 'address', 'phone', 'offline_access'];

interface StoredMetadata {
  client_uri?: string;
  logo_uri?: string;
  scope?: string;
}

export interface RegistrationResult {
  client: ClientRecord;
  /** The RFC 7591 §3.2.1 response body. */
  response: Record<string, unknown>;
}

function bearer(authorization: string | undefined): string | undefined {
  const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(authorization ?? '');
  return match?.[1];
}

function invalidToken(description: string): RegistrationError {
  return new RegistrationError('invalid_token', description, 401, { 'WWW-Authenticate': `Bearer error="invalid_token", error_description="${description}"` });
}

export class DynamicRegistration {
  constructor(
    private readonly store: Store,
    private readonly registry: Registry,
    readonly policy: RegistrationPolicy,
    /** `<issuer>/register`: where a client reads or deletes its registration. */
    private readonly endpoint: () => string,
  ) {}

  /** The scopes a registered client may ask for (OIDC scopes, and the policy's API scopes). */
  private allowedScopes(): Set<string> {
    const scopes = new Set(OIDC_SCOPES.filter((s) => s !== 'offline_access' || this.policy.refreshTokens));
    for (const list of Object.values(this.policy.apis)) for (const s of list) scopes.add(s);
    return scopes;
  }

  private async enforceRateLimit(ip: string): Promise<void> {
    const count = await this.store.rateLimits.hit(`register:ip:${ip}`, nowSeconds(), this.policy.window);
    if (count > this.policy.perIp) {
      throw new RegistrationError('temporarily_unavailable', `too many registrations from this address: at most ${this.policy.perIp} per ${this.policy.window} s`, 429, { 'Retry-After': String(this.policy.window) });
    }
  }

  private checkInitialAccessToken(authorization: string | undefined): void {
    const expected = this.policy.initialAccessToken;
    if (expected === undefined) return;
    const given = bearer(authorization);
    if (given === undefined) throw new RegistrationError('invalid_token', 'registration needs an initial access token (Authorization: Bearer …)', 401, { 'WWW-Authenticate': 'Bearer' });
    if (!safeEqual(given, expected)) throw invalidToken('the initial access token is not valid');
  }

  /** POST /register: creates a client from the request's metadata. */
  async register(body: unknown, request: { authorization: string | undefined; ip: string }): Promise<RegistrationResult> {
    await this.enforceRateLimit(request.ip);
    this.checkInitialAccessToken(request.authorization);
    const meta = parseRegistrationRequest(body);
    const grantTypes = meta.grantTypes.filter((g) => g !== 'refresh_token' || this.policy.refreshTokens);
    const clientId = randomId(CLIENT_ID_PREFIX);
    const token = randomToken(PREFIX.registrationAccessToken);
    const allowed = this.allowedScopes();
    const scope = meta.scope === undefined ? undefined : meta.scope.split(' ').filter((s) => s && allowed.has(s)).join(' ');
    const stored: StoredMetadata = { ...(meta.clientUri ? { client_uri: meta.clientUri } : {}), ...(meta.logoUri ? { logo_uri: meta.logoUri } : {}), ...(scope ? { scope } : {}) };
    await this.registry.saveClient(
      {
        client_id: clientId,
        ...(meta.clientName !== undefined ? { client_name: meta.clientName } : {}),
        token_endpoint_auth_method: meta.tokenEndpointAuthMethod,
        grant_types: grantTypes,
        apis: {},
        redirect_uris: meta.redirectUris,
        post_logout_redirect_uris: [],
        first_party: false,
        id_token_signed_response_alg: this.policy.idTokenAlg,
        dpop_bound_access_tokens: meta.dpopBoundAccessTokens,
        backchannel_logout_session_required: false,
        ...(meta.jwks ? { jwks: meta.jwks } : {}),
      },
      'dynamic',
    );
    const now = nowSeconds();
    await this.store.clientRegistrations.insert({ client_id: clientId, access_token_hash: hashSecret(token), application_type: meta.applicationType, metadata: JSON.stringify(stored), created_at: now });
    const client = (await this.registry.getClient(clientId))!;
    return { client, response: { ...this.describe(client, meta.applicationType, stored, now), registration_access_token: token } };
  }

  /** RFC 7592 §2.1: the client's current registration, for the holder of its registration access token. */
  async read(clientId: string, authorization: string | undefined): Promise<Record<string, unknown>> {
    const { client, registration } = await this.authorize(clientId, authorization);
    return this.describe(client, registration.application_type, JSON.parse(registration.metadata) as StoredMetadata, Number(registration.created_at));
  }

  /** RFC 7592 §2.3: deletes the client and revokes every grant it holds. */
  async remove(clientId: string, authorization: string | undefined): Promise<ClientRecord> {
    const { client } = await this.authorize(clientId, authorization);
    await this.store.clients.remove(clientId);
    await this.store.clientRegistrations.remove(clientId);
    await this.store.grants.revokeAllForClient(clientId, nowSeconds(), 'client_deleted');
    this.registry.forget();
    return client;
  }

  /** Completes a stored dynamic client with what the policy gives it now (the Registry calls this). */
  async complete(stored: ClientRecord): Promise<ClientRecord> {
    const registration = await this.store.clientRegistrations.get(stored.clientId);
    const meta = registration ? (JSON.parse(registration.metadata) as StoredMetadata) : {};
    return {
      ...stored,
      firstParty: false,
      apis: this.policy.apis,
      grantTypes: stored.grantTypes.filter((g) => g === 'authorization_code' || (g === 'refresh_token' && this.policy.refreshTokens)),
      applicationType: registration?.application_type ?? 'web',
      ...(meta.logo_uri ? { logoUri: meta.logo_uri } : {}),
      ...(meta.client_uri ? { clientUri: meta.client_uri } : {}),
    };
  }

  private async authorize(clientId: string, authorization: string | undefined) {
    const token = bearer(authorization);
    if (token === undefined) throw new RegistrationError('invalid_token', 'send the registration access token (Authorization: Bearer …)', 401, { 'WWW-Authenticate': 'Bearer' });
    const registration = await this.store.clientRegistrations.get(clientId);
    // Verified against a dummy when there is no registration, so timing does not tell whether it exists.
    const valid = verifySecret(token, registration?.access_token_hash ?? null);
    const client = valid ? await this.registry.getClient(clientId) : undefined;
    if (!registration || !valid || !client) throw invalidToken('the registration access token is not valid for this client');
    return { client, registration };
  }

  private describe(client: ClientRecord, applicationType: string, meta: StoredMetadata, issuedAt: number): Record<string, unknown> {
    return {
      client_id: client.clientId,
      client_id_issued_at: issuedAt,
      registration_client_uri: `${this.endpoint()}/${encodeURIComponent(client.clientId)}`,
      ...(client.clientName !== null ? { client_name: client.clientName } : {}),
      redirect_uris: client.redirectUris,
      grant_types: client.grantTypes,
      response_types: ['code'],
      token_endpoint_auth_method: client.tokenEndpointAuthMethod,
      application_type: applicationType,
      ...(meta.client_uri ? { client_uri: meta.client_uri } : {}),
      ...(meta.logo_uri ? { logo_uri: meta.logo_uri } : {}),
      ...(meta.scope ? { scope: meta.scope } : {}),
      ...(client.jwks ? { jwks: client.jwks } : {}),
      ...(client.dpopBoundAccessTokens ? { dpop_bound_access_tokens: true } : {}),
    };
  }
}

export type { RegistrationMetadata };
export { RegistrationError };
