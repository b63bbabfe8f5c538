/** Header `typ` values of an RFC 9068 JWT access token (compared case-insensitively). */
export const ACCESS_TOKEN_TYPES = ['at+jwt', 'application/at+jwt'] as const;

/** Header `typ` of an RFC 9449 DPoP proof. */
export const DPOP_PROOF_TYPE = 'dpop+jwt';

/** Header `typ` of an OpenID Connect Back-Channel Logout token. */
export const LOGOUT_TOKEN_TYPE = 'logout+jwt';

/** The `events` member that marks a back-channel logout token. */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** Prefixes Lanekeeper puts before the random part of its opaque strings. */
export const OPAQUE_PREFIXES = {
  accessToken: 'lk_at_',
  refreshToken: 'lk_rt_',
  authorizationCode: 'lk_code_',
} as const;

/** Claims only an ID token carries (OpenID Connect Core 1.0 §2, §3.1.3.6, §3.3.2.11). */
export const ID_TOKEN_CLAIMS = ['nonce', 'auth_time', 'at_hash', 'c_hash', 'azp'] as const;

/** RFC 7235 token68: what may follow `Bearer ` or `DPoP ` in an Authorization header. */
export const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;
