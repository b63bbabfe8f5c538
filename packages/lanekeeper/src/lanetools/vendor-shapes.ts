/**
 * The token shapes of common issuers, told by their CLAIMS, never by the issuer's name: a
 * token may come from a self-hosted or renamed tenant, and an `iss` is trivially copied.
 * Each sign is a claim (or a claim's shape) that issuer's tokens carry; the more signs, the
 * surer the call. These are descriptions for people; they never decide a verdict (the
 * guard's rules do).
 */

export type Certainty = 'certain' | 'likely' | 'possible';

export type ShapeTokenKind = 'id_token' | 'access_token' | 'refresh_token' | 'logout_token';

export interface VendorShape {
  /** Stable id: `auth0`, `azure_ad_v2`, `azure_ad_v1`, `keycloak`, `google`. */
  vendor: string;
  /** For people: `Azure AD v2`. */
  name: string;
  /** Which token of that issuer it looks like. */
  token: ShapeTokenKind;
  certainty: Certainty;
  /** The claims that made the call, in words. */
  signs: string[];
}

type Claims = Record<string, unknown>;

const isString = (v: unknown): v is string => typeof v === 'string';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const hasScope = (c: Claims) => c['scope'] !== undefined || c['scp'] !== undefined;
const audList = (c: Claims): string[] => (isString(c['aud']) ? [c['aud']] : Array.isArray(c['aud']) ? c['aud'].filter(isString) : []);

/** Certainty from the weight of the signs: a declared type is certain; 4+ points likely. */
function certaintyOf(points: number, declared = false): Certainty {
  if (declared) return 'certain';
  return points >= 4 ? 'likely' : 'possible';
}

function keycloak(c: Claims): VendorShape | undefined {
  const signs: string[] = [];
  let points = 0;
  const typ = c['typ'];
  const declared: Record<string, ShapeTokenKind> = { bearer: 'access_token', id: 'id_token', refresh: 'refresh_token', offline: 'refresh_token', logout: 'logout_token' };
  const kind = isString(typ) ? declared[typ.toLowerCase()] : undefined;
  if (kind) {
    signs.push(`typ claim "${typ}" (its own token-type claim)`);
    points += 4;
  }
  for (const [name, words] of [
    ['realm_access', 'realm_access (realm roles)'],
    ['resource_access', 'resource_access (client roles)'],
    ['allowed-origins', 'allowed-origins'],
    ['session_state', 'session_state'],
  ] as const) {
    if (c[name] !== undefined) {
      signs.push(words);
      points += 1;
    }
  }
  if (signs.length === 0 || (!kind && points < 2)) return undefined;
  const token = kind ?? (hasScope(c) ? 'access_token' : 'id_token');
  return { vendor: 'keycloak', name: 'Keycloak', token, certainty: certaintyOf(points, kind !== undefined), signs };
}

function azure(c: Claims): VendorShape | undefined {
  const ver = c['ver'];
  const signs: string[] = [];
  let points = 0;
  if (ver === '2.0' || ver === '1.0') {
    signs.push(`ver "${ver}" (token format version)`);
    points += 2;
  }
  if (isString(c['tid']) && GUID.test(c['tid'])) {
    signs.push('tid (tenant id, a GUID)');
    points += 2;
  }
  if (isString(c['oid']) && GUID.test(c['oid'])) {
    signs.push('oid (object id of the user or app)');
    points += 1;
  }
  if (isString(c['scp'])) {
    signs.push('scp (delegated scopes, space-separated)');
    points += 1;
  }
  if (Array.isArray(c['roles'])) {
    signs.push('roles (app roles)');
    points += 1;
  }
  for (const name of ['azpacr', 'appidacr', 'aio', 'uti', 'rh'] as const) {
    if (c[name] !== undefined) {
      signs.push(name);
      points += 1;
    }
  }
  if (points < 3 || ver === undefined) return undefined;
  const v1 = ver === '1.0';
  const access = !c['nonce'] && (c['scp'] !== undefined || c['roles'] !== undefined || c['azp'] !== undefined || c['appid'] !== undefined);
  return {
    vendor: v1 ? 'azure_ad_v1' : 'azure_ad_v2',
    name: v1 ? 'Azure AD v1' : 'Azure AD v2',
    token: access ? 'access_token' : 'id_token',
    certainty: certaintyOf(points),
    signs,
  };
}

function auth0(c: Claims): VendorShape | undefined {
  const signs: string[] = [];
  let points = 0;
  const userinfo = audList(c).find((a) => /^https:\/\/[^/]+\/userinfo$/.test(a));
  if (userinfo && audList(c).length > 1) {
    signs.push('aud lists the API and the issuer\'s /userinfo');
    points += 3;
  }
  if (isString(c['gty'])) {
    signs.push(`gty "${c['gty']}" (grant type)`);
    points += 3;
  }
  if (Array.isArray(c['permissions'])) {
    signs.push('permissions (RBAC list)');
    points += 1;
  }
  const namespaced = Object.keys(c).filter((k) => /^https?:\/\//.test(k));
  if (namespaced.length > 0) {
    signs.push(`namespaced custom claim${namespaced.length > 1 ? 's' : ''} (URL-named)`);
    points += 1;
  }
  if (isString(c['sub']) && /^[a-z0-9-]+\|[^|]+$/i.test(c['sub'])) {
    signs.push('sub is connection|id');
    points += 2;
  }
  if (isString(c['nickname']) && c['updated_at'] !== undefined) {
    signs.push('nickname and updated_at (default profile)');
    points += 1;
  }
  if (points < 3) return undefined;
  const access = hasScope(c) || c['gty'] !== undefined || userinfo !== undefined;
  return { vendor: 'auth0', name: 'Auth0', token: access ? 'access_token' : 'id_token', certainty: certaintyOf(points), signs };
}

function google(c: Claims): VendorShape | undefined {
  const signs: string[] = [];
  let points = 0;
  const clientIdShape = (v: unknown) => isString(v) && /\.apps\.googleusercontent\.com$/.test(v);
  if (clientIdShape(c['azp']) || audList(c).some(clientIdShape)) {
    signs.push('aud/azp is a *.apps.googleusercontent.com client id');
    points += 3;
  }
  if (isString(c['sub']) && /^\d{15,25}$/.test(c['sub'])) {
    signs.push('sub is a long decimal number');
    points += 1;
  }
  if (isString(c['hd'])) {
    signs.push('hd (hosted domain)');
    points += 1;
  }
  if (typeof c['email_verified'] === 'boolean' && isString(c['azp'])) {
    signs.push('email_verified beside azp');
    points += 1;
  }
  if (points >= 3 && !hasScope(c)) {
    return { vendor: 'google', name: 'Google', token: 'id_token', certainty: certaintyOf(points), signs };
  }
  // A service account's self-signed JWT access token: iss = sub = the account, Google API scopes.
  const scope = isString(c['scope']) ? c['scope'] : '';
  const googleScopes = /https:\/\/www\.googleapis\.com\/auth\//.test(scope);
  const selfIssued = isString(c['iss']) && c['iss'] === c['sub'] && /^[^@\s]+@[^@\s]+$/.test(c['iss']);
  if (googleScopes) {
    const accessSigns: string[] = [];
    if (selfIssued) accessSigns.push('iss = sub = an account address (a service account signing its own token)');
    if (googleScopes) accessSigns.push('scope holds https://www.googleapis.com/auth/… scopes');
    return { vendor: 'google', name: 'Google service account', token: 'access_token', certainty: certaintyOf(accessSigns.length * 2), signs: accessSigns };
  }
  return undefined;
}

const detectors = [keycloak, azure, auth0, google];

/** The vendor shape the claims fit best, or undefined when none fits. */
export function vendorShape(claims: Claims): VendorShape | undefined {
  const found = detectors.map((detect) => detect(claims)).filter((s): s is VendorShape => s !== undefined);
  const rank: Record<Certainty, number> = { certain: 3, likely: 2, possible: 1 };
  found.sort((a, b) => rank[b.certainty] - rank[a.certainty] || b.signs.length - a.signs.length);
  return found[0];
}

/** Opaque strings whose shape is well known (no claims to read, so only `possible`). */
export function opaqueShape(token: string): VendorShape | undefined {
  if (/^ya29\.[A-Za-z0-9_-]+/.test(token)) {
    return { vendor: 'google', name: 'Google', token: 'access_token', certainty: 'possible', signs: ['starts with ya29. (the shape of Google OAuth access tokens)'] };
  }
  if (/^1\/\/[A-Za-z0-9_-]+/.test(token)) {
    return { vendor: 'google', name: 'Google', token: 'refresh_token', certainty: 'possible', signs: ['starts with 1// (the shape of Google refresh tokens)'] };
  }
  return undefined;
}
