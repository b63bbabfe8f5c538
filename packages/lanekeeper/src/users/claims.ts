import type { UserRecord } from '../store/index.js';

/** OIDC Core §5.4: which standard claims each scope asks for. */
export const SCOPE_CLAIMS: Record<string, readonly string[]> = {
  profile: ['name', 'family_name', 'given_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at'],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
};

export const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'address', 'phone', 'offline_access']);

export const PROFILE_CLAIM_NAMES = new Set(Object.values(SCOPE_CLAIMS).flat().filter((c) => c !== 'email' && c !== 'email_verified' && c !== 'updated_at'));

/** The user's claims released for the granted OIDC scopes. */
export function claimsForScopes(user: UserRecord, scopes: Iterable<string>): Record<string, unknown> {
  const all: Record<string, unknown> = { ...user.claims, email: user.email, email_verified: user.emailVerified, updated_at: user.updatedAt };
  const out: Record<string, unknown> = {};
  for (const scope of scopes) {
    for (const claim of SCOPE_CLAIMS[scope] ?? []) if (all[claim] !== undefined && all[claim] !== null) out[claim] = all[claim];
  }
  return out;
}
