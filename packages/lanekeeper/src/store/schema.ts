/** Row types of the store, shared by SQLite and PostgreSQL. Times are epoch seconds. */

export interface ApisTable {
  identifier: string;
  name: string;
  /** JSON object: scope → description */
  scopes: string;
  token_format: 'jwt' | 'opaque';
  signing_alg: string;
  access_token_ttl: number;
  introspection_client_id: string | null;
  introspection_secret_hash: string | null;
  source: 'config' | 'cli';
  created_at: number;
  updated_at: number;
}

export interface ClientsTable {
  client_id: string;
  client_name: string | null;
  secret_hash: string | null;
  token_endpoint_auth_method: string;
  /** JSON array */
  grant_types: string;
  /** JSON object: API identifier → allowed scopes */
  apis: string;
  default_api: string | null;
  /** JSON JWKS for private_key_jwt */
  jwks: string | null;
  jwks_uri: string | null;
  /** JSON array */
  redirect_uris: string;
  /** JSON array */
  post_logout_redirect_uris: string;
  first_party: number;
  id_token_signed_response_alg: string;
  /** RFC 9449 §5.2: every access token of this client must be DPoP-bound. */
  dpop_bound_access_tokens: number;
  /** OpenID Connect Back-Channel Logout 1.0 */
  backchannel_logout_uri: string | null;
  backchannel_logout_session_required: number;
  /** 'metadata_document' records are never stored here (they live in metadata_documents). */
  source: 'config' | 'cli' | 'dynamic' | 'metadata_document';
  created_at: number;
  updated_at: number;
}

export type KeyState = 'next' | 'current' | 'previous' | 'retired';

export interface SigningKeysTable {
  kid: string;
  alg: string;
  state: KeyState;
  /** JSON public JWK */
  public_jwk: string;
  /** private JWK as a JWE (dir, A256GCM) under a key derived from the deployment secret */
  private_jwk: string;
  created_at: number;
  activated_at: number | null;
  deactivated_at: number | null;
  /** a previous key stays in the JWKS until this time (every token it signed has expired) */
  publish_until: number | null;
}

export interface GrantsTable {
  id: string;
  kind: 'client_credentials' | 'authorization_code';
  client_id: string;
  sub: string;
  created_at: number;
  revoked_at: number | null;
  revoked_reason: string | null;
  /** Browser session the grant was made in (authorization code grants). */
  session_id: string | null;
  /** JSON GrantDetails: the APIs and scopes granted, OIDC scopes, auth_time, amr. */
  details: string | null;
  /** When the refresh-token family ends (absolute lifetime). */
  expires_at: number | null;
}

export interface UsersTable {
  id: string;
  email: string;
  password_hash: string | null;
  /** JSON: OIDC standard claims other than sub/email */
  claims: string;
  email_verified: number;
  /** JSON: API identifier → scopes the user may use */
  permissions: string;
  /** JSON array of role names */
  roles: string;
  disabled_at: number | null;
  source: 'config' | 'cli';
  created_at: number;
  updated_at: number;
}

export interface RolesTable {
  name: string;
  description: string | null;
  /** JSON: API identifier → scopes */
  permissions: string;
  created_at: number;
  updated_at: number;
}

export interface SessionsTable {
  /** SHA-256 of the session cookie value */
  id: string;
  /** the public session id (`sid` claim) */
  sid: string;
  user_id: string;
  auth_time: number;
  /** JSON array */
  amr: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  ended_at: number | null;
}

export interface InteractionsTable {
  id: string;
  /** SHA-256 of the browser-binding cookie value */
  browser_hash: string;
  csrf: string;
  /** JSON: the validated authorization request */
  request: string;
  user_id: string | null;
  session_id: string | null;
  created_at: number;
  expires_at: number;
  completed_at: number | null;
}

export interface ConsentsTable {
  user_id: string;
  client_id: string;
  /** JSON array of scope strings granted, API scopes as "<api> <scope>" */
  scopes: string;
  created_at: number;
  updated_at: number;
}

export interface CodesTable {
  code_hash: string;
  grant_id: string;
  client_id: string;
  redirect_uri: string;
  code_challenge: string;
  nonce: string | null;
  expires_at: number;
  used_at: number | null;
  /** RFC 9449 §10 dpop_jkt: the code may only be redeemed with a proof from this key. */
  jkt: string | null;
}

export interface RefreshTokensTable {
  token_hash: string;
  grant_id: string;
  client_id: string;
  issued_at: number;
  expires_at: number;
  rotated_at: number | null;
  /** A public client's refresh token is bound to the DPoP key that obtained it. */
  jkt: string | null;
}

export interface RateLimitsTable {
  key: string;
  count: number;
  reset_at: number;
}

export interface OpaqueTokensTable {
  token_hash: string;
  grant_id: string;
  client_id: string;
  sub: string;
  /** JSON array of audiences */
  aud: string;
  scope: string;
  jti: string;
  issued_at: number;
  expires_at: number;
  revoked_at: number | null;
  /** DPoP key thumbprint the token is bound to. */
  jkt: string | null;
}

export interface RevokedJtisTable {
  jti: string;
  expires_at: number;
}

export interface UsedAssertionsTable {
  /** client_id + ' ' + jti */
  id: string;
  expires_at: number;
}

export interface EventsTable {
  id: string;
  at: number;
  type: string;
  /** Who did it: 'cli', 'system', 'user:<sub>', 'client:<id>'. */
  actor: string;
  user_id: string | null;
  client_id: string | null;
  /** JSON; never a secret or a token. */
  details: string;
}

export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: number;
}

export interface BackchannelQueueTable {
  id: string;
  client_id: string;
  sub: string;
  sid: string | null;
  attempts: number;
  next_attempt_at: number;
  created_at: number;
  last_error: string | null;
}

/** Client ID Metadata Documents, cached for every node. */
export interface MetadataDocumentsTable {
  /** The client_id: the document's URL. */
  url: string;
  /** JSON: the checked document (and the JWK Set its jwks_uri named, fetched the same way). */
  document: string;
  fetched_at: number;
  expires_at: number;
}

/** RFC 7591/7592: what a dynamically registered client has beside its `clients` row. */
export interface ClientRegistrationsTable {
  client_id: string;
  /** SHA-256 of the registration access token (lk_rat_…). */
  access_token_hash: string;
  application_type: 'web' | 'native';
  /** JSON: metadata without a column in `clients` (logo_uri, client_uri, scope). */
  metadata: string;
  created_at: number;
}

export interface Database {
  apis: ApisTable;
  clients: ClientsTable;
  signing_keys: SigningKeysTable;
  grants: GrantsTable;
  opaque_tokens: OpaqueTokensTable;
  revoked_jtis: RevokedJtisTable;
  used_assertions: UsedAssertionsTable;
  users: UsersTable;
  roles: RolesTable;
  sessions: SessionsTable;
  interactions: InteractionsTable;
  consents: ConsentsTable;
  codes: CodesTable;
  refresh_tokens: RefreshTokensTable;
  rate_limits: RateLimitsTable;
  events: EventsTable;
  leases: LeasesTable;
  backchannel_queue: BackchannelQueueTable;
  metadata_documents: MetadataDocumentsTable;
  client_registrations: ClientRegistrationsTable;
}
