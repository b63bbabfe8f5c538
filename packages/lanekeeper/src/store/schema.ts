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
  source: 'config' | 'cli' | 'dynamic';
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

export interface Database {
  apis: ApisTable;
  clients: ClientsTable;
  signing_keys: SigningKeysTable;
  grants: GrantsTable;
  opaque_tokens: OpaqueTokensTable;
  revoked_jtis: RevokedJtisTable;
  used_assertions: UsedAssertionsTable;
}
