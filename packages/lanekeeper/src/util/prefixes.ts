/**
 * Type prefixes of the opaque strings Lanekeeper issues, so people, tools and secret
 * scanners can tell them apart. Each is followed by 256 random bits.
 */
export const PREFIX = {
  accessToken: 'lk_at_',
  refreshToken: 'lk_rt_',
  code: 'lk_code_',
  clientSecret: 'lk_cs_',
  apiSecret: 'lk_as_',
  grant: 'lk_gr_',
  user: 'lk_usr_',
  /** RFC 7592 registration access token of a dynamically registered client. */
  registrationAccessToken: 'lk_rat_',
} as const;

/** The private claim that carries the grant id in JWT access tokens. */
export const GRANT_CLAIM = 'lk_grant';
