/** What one consent granted; stored with the grant (JSON) and re-checked at each refresh. */
export interface GrantDetails {
  /** API identifier → scopes granted there. */
  apis: Record<string, string[]>;
  /** OIDC scopes granted: openid, profile, email, address, phone. */
  oidcScopes: string[];
  /** offline_access granted: refresh tokens may be issued. */
  offline: boolean;
  authTime: number;
  amr: string[];
  /** The session's public id (`sid` claim). */
  sid: string;
}

export function parseDetails(json: string | null): GrantDetails {
  return JSON.parse(json ?? '{}') as GrantDetails;
}
