import { z } from 'zod';

/** Signing algorithms Lanekeeper can sign with. Asymmetric only. */
export const SIGNING_ALGS = ['ES256', 'RS256', 'EdDSA'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];

export const TOKEN_ENDPOINT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'] as const;
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];

export const GRANT_TYPES = ['client_credentials', 'authorization_code', 'refresh_token'] as const;

const scopeName = z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'a scope is printable ASCII without spaces, quotes or backslashes');

/** An API (a resource server) that access tokens can be issued for. */
export const apiSchema = z.strictObject({
  identifier: z.string().min(1).max(2000),
  name: z.string().min(1).max(200).optional(),
  scopes: z.record(scopeName, z.string().max(500)).default({}),
  token_format: z.enum(['jwt', 'opaque']).default('jwt'),
  signing_alg: z.enum(SIGNING_ALGS).default('RS256'),
  access_token_ttl: z.number().int().min(10).max(86_400).default(600),
  client_id: z.string().min(1).max(200).optional(),
  client_secret: z.string().min(16, 'an API secret needs at least 16 characters').max(500).optional(),
});
export type ApiConfig = z.infer<typeof apiSchema>;

/** A client, in RFC 7591 metadata names. */
export const clientSchema = z.strictObject({
  client_id: z.string().min(1).max(200).regex(/^[\x21-\x7E]+$/, 'a client_id is printable ASCII without spaces'),
  client_name: z.string().max(200).optional(),
  client_secret: z.string().min(16, 'a client secret needs at least 16 characters').max(500).optional(),
  token_endpoint_auth_method: z.enum(TOKEN_ENDPOINT_AUTH_METHODS).default('client_secret_basic'),
  grant_types: z.array(z.enum(GRANT_TYPES)).min(1).default(['client_credentials']),
  apis: z.record(z.string(), z.array(scopeName)).default({}),
  default_api: z.string().optional(),
  jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).optional(),
  jwks_uri: z.url().optional(),
  redirect_uris: z.array(z.string()).default([]),
  post_logout_redirect_uris: z.array(z.string()).default([]),
  first_party: z.boolean().default(false),
  id_token_signed_response_alg: z.enum(SIGNING_ALGS).default('RS256'),
  dpop_bound_access_tokens: z.boolean().default(false),
  backchannel_logout_uri: z.url({ protocol: /^https?$/ }).optional(),
  backchannel_logout_session_required: z.boolean().default(false),
});
export type ClientConfig = z.infer<typeof clientSchema>;

const permissionsSchema = z.record(z.string(), z.array(scopeName));

export const roleSchema = z.strictObject({
  name: z.string().min(1).max(100),
  description: z.string().max(500).optional(),
  permissions: permissionsSchema.default({}),
});
export type RoleConfig = z.infer<typeof roleSchema>;

const addressSchema = z.strictObject({
  formatted: z.string().optional(),
  street_address: z.string().optional(),
  locality: z.string().optional(),
  region: z.string().optional(),
  postal_code: z.string().optional(),
  country: z.string().optional(),
});

/** A user, with OIDC standard profile claims. `password` is hashed with argon2id at import. */
export const userSchema = z.strictObject({
  email: z.string().min(3).max(320),
  password: z.string().min(8, 'a password needs at least 8 characters').max(1024).optional(),
  email_verified: z.boolean().optional(),
  name: z.string().max(200).optional(),
  given_name: z.string().max(200).optional(),
  family_name: z.string().max(200).optional(),
  middle_name: z.string().max(200).optional(),
  nickname: z.string().max(200).optional(),
  preferred_username: z.string().max(200).optional(),
  profile: z.url().optional(),
  picture: z.url().optional(),
  website: z.url().optional(),
  gender: z.string().max(50).optional(),
  birthdate: z.string().regex(/^\d{4}(-\d{2}-\d{2})?$/, 'birthdate is YYYY-MM-DD or YYYY').optional(),
  zoneinfo: z.string().max(100).optional(),
  locale: z.string().max(35).optional(),
  phone_number: z.string().max(50).optional(),
  phone_number_verified: z.boolean().optional(),
  address: addressSchema.optional(),
  permissions: permissionsSchema.default({}),
  roles: z.array(z.string()).default([]),
});
export type UserConfig = z.infer<typeof userSchema>;

const lifetimeSchema = z.strictObject({
  access_token: z.number().int().min(10).max(86_400),
  refresh_token: z.number().int().min(60).max(31_536_000),
  refresh_token_idle: z.number().int().min(60).max(31_536_000),
});

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  issuer: z.url().optional(),
  port: z.number().int().min(0).max(65535).optional(),
  host: z.string().optional(),
  database: z.string().optional(),
  data_dir: z.string().optional(),
  secret: z.string().min(32, 'the deployment secret needs at least 32 characters').optional(),
  log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  keys: z
    .strictObject({
      algorithms: z.array(z.enum(SIGNING_ALGS)).min(1).default(['RS256', 'ES256', 'EdDSA']),
      poll_interval: z.number().min(0.1).max(3600).default(60),
    })
    .prefault({}),
  access_token_ttl: z.number().int().min(10).max(86_400).default(600),
  /** Token lifetimes by client type: public clients (SPAs, native apps) get shorter ones. */
  lifetimes: z
    .strictObject({
      confidential: lifetimeSchema.partial().prefault({}),
      public: lifetimeSchema.partial().prefault({}),
    })
    .prefault({}),
  session: z
    .strictObject({
      /** Browser session lifetime, seconds. */
      absolute: z.number().int().min(60).default(7 * 86_400),
      /** End a browser session unused for this long, seconds (0: no idle limit). */
      idle: z.number().int().min(0).default(0),
    })
    .prefault({}),
  branding: z
    .strictObject({
      product_name: z.string().min(1).max(100).default('Lanekeeper'),
      logo_url: z.url().optional(),
      primary_color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'primary_color is a hex colour like #1f5fbf').optional(),
    })
    .prefault({}),
  rate_limits: z
    .strictObject({
      /** Token requests per client per window at the token endpoint (0: no limit). Shared by all nodes through the store. */
      token_per_client: z.number().int().min(0).default(0),
      window: z.number().int().min(1).default(60),
    })
    .prefault({}),
  login: z
    .strictObject({
      /** Failed logins allowed per account and per IP address within the window. */
      max_failures: z.number().int().min(1).default(5),
      max_failures_per_ip: z.number().int().min(1).default(50),
      window: z.number().int().min(10).default(900),
    })
    .prefault({}),
  /**
   * When to believe X-Forwarded-For / X-Forwarded-Proto: false (never, the default), a number of
   * proxy hops, or the proxies' addresses/CIDRs. The issuer never comes from headers.
   */
  trust_proxy: z.union([z.boolean(), z.number().int().min(0).max(10), z.array(z.string().min(1))]).default(false),
  cors: z
    .strictObject({
      /** Origins allowed besides those of registered public clients' redirect URIs. */
      origins: z.array(z.string().regex(/^https?:\/\/[^/]+$/, 'an origin is scheme://host[:port] without a path')).default([]),
      /** Answer CORS at the introspection endpoint too (off: APIs call it server to server). */
      introspection: z.boolean().default(false),
    })
    .prefault({}),
  metrics: z
    .strictObject({
      /** Serve Prometheus metrics at /metrics. */
      enabled: z.boolean().default(true),
      /** When set, /metrics needs `Authorization: Bearer <token>`. */
      token: z.string().min(16).optional(),
    })
    .prefault({}),
  maintenance: z
    .strictObject({
      /** Seconds between background sweeps of dead rows (0: never; run `lanekeeper purge`). */
      sweep_interval: z.number().int().min(0).default(300),
      /** Days to keep audit events. */
      event_retention_days: z.number().int().min(1).default(90),
    })
    .prefault({}),
  /** DPoP (RFC 9449) at the token and userinfo endpoints. */
  dpop: z
    .strictObject({
      /** Demand a server nonce (§8) in every proof at the token endpoint. */
      require_nonce: z.boolean().default(false),
      /** How old a proof's iat may be, seconds. */
      iat_window: z.number().int().min(5).max(600).default(60),
    })
    .prefault({}),
  /**
   * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document, MCP's
   * preferred registration): a client_id that is an https URL with a path is resolved by
   * fetching that URL (hardened against SSRF) and caching the document in the store.
   */
  client_id_metadata_documents: z
    .strictObject({
      enabled: z.boolean().default(false),
      /** URL prefixes (`https://apps.example.com/`) or host names (`apps.example.com`, `*.example.com`) accepted; empty: any. */
      allowed: z.array(z.string().min(1)).default([]),
      /** Refused, even when allowed. */
      denied: z.array(z.string().min(1)).default([]),
      /** API identifier → the scopes such clients may ask for there. */
      apis: permissionsSchema.default({}),
      /** Such clients may get refresh tokens (after consent naming offline_access). */
      refresh_tokens: z.boolean().default(true),
      /** Seconds for resolving, connecting and reading a document. */
      fetch_timeout: z.number().min(0.1).max(30).default(3),
      /** Largest document accepted, bytes. */
      max_bytes: z.number().int().min(512).max(65_536).default(5120),
      /** Authorization requests with a URL client_id per IP address per minute (each may cause a fetch); shared by all nodes. */
      rate_limit_per_ip: z.number().int().min(1).default(60),
      /**
       * Development and tests only (refused with NODE_ENV=production): documents may also be
       * fetched from this one https origin on loopback, whose certificate `ca` (PEM) or
       * `ca_file` signed. Nothing else on loopback or private networks becomes reachable.
       */
      development_fixture: z
        .strictObject({
          origin: z.string().regex(/^https:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?$/, 'the fixture origin is https://127.0.0.1:<port>, https://localhost:<port> or https://[::1]:<port>'),
          ca: z.string().min(1).optional(),
          ca_file: z.string().min(1).optional(),
        })
        .refine((f) => (f.ca === undefined) !== (f.ca_file === undefined), 'give the fixture\'s CA certificate as ca (PEM) or ca_file, one of them')
        .optional(),
    })
    .prefault({}),
  /** RFC 7591 dynamic client registration (MCP's fallback), with RFC 7592 read and delete. */
  dynamic_registration: z
    .strictObject({
      enabled: z.boolean().default(false),
      /** When set, registration needs `Authorization: Bearer <this token>`; otherwise it is open. */
      initial_access_token: z.string().min(16, 'an initial access token needs at least 16 characters').optional(),
      /** API identifier → the scopes registered clients may ask for there. */
      apis: permissionsSchema.default({}),
      /** Registered clients may get refresh tokens (after consent naming offline_access). */
      refresh_tokens: z.boolean().default(true),
      /** Registrations allowed per IP address per window (seconds). */
      rate_limit: z
        .strictObject({
          per_ip: z.number().int().min(1).default(10),
          window: z.number().int().min(1).default(3600),
        })
        .prefault({}),
    })
    .prefault({}),
  /** A module (.js/.mjs, or .ts when tsx is installed) exporting custom-claim hooks. */
  hooks: z.string().optional(),
  apis: z.array(apiSchema).default([]),
  clients: z.array(clientSchema).default([]),
  roles: z.array(roleSchema).default([]),
  users: z.array(userSchema).default([]),
});
export type ConfigFile = z.input<typeof configSchema>;
export type ParsedConfig = z.infer<typeof configSchema>;
