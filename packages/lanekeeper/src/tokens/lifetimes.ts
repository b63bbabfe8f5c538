/** Default token lifetimes, seconds. */
export const ID_TOKEN_TTL = 3600;
export const ACCESS_TOKEN_TTL = 600;
export const CODE_TTL = 60;
export const INTERACTION_TTL = 30 * 60;

export interface ClientLifetimes {
  /** Upper bound on access-token lifetime for this client type (the API's own TTL applies below it). */
  accessToken: number;
  /** Absolute lifetime of a refresh-token family (the grant). */
  refreshToken: number;
  /** A family unused for this long ends: each refresh token lives at most this long. */
  refreshTokenIdle: number;
}

export const DEFAULT_LIFETIMES: Record<'confidential' | 'public', ClientLifetimes> = {
  confidential: { accessToken: 3600, refreshToken: 30 * 86_400, refreshTokenIdle: 30 * 86_400 },
  public: { accessToken: 300, refreshToken: 86_400, refreshTokenIdle: 86_400 },
};

type Overrides = { access_token?: number; refresh_token?: number; refresh_token_idle?: number };

export function lifetimesFor(isPublic: boolean, overrides: { confidential: Overrides; public: Overrides }): ClientLifetimes {
  const kind = isPublic ? 'public' : 'confidential';
  const base = DEFAULT_LIFETIMES[kind];
  const refreshToken = overrides[kind].refresh_token ?? base.refreshToken;
  return { accessToken: overrides[kind].access_token ?? base.accessToken, refreshToken, refreshTokenIdle: Math.min(overrides[kind].refresh_token_idle ?? refreshToken, refreshToken) };
}
