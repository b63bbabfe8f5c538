/**
 * What each claim and header member means, in words, and who it is for. Notes depend on
 * the lane where a claim means different things (`aud` of an ID token is a client app; of
 * an access token, an API).
 */
import type { InspectLane } from './lane.js';

type Lane = InspectLane['kind'];

const ID_LIKE = new Set<Lane>(['id_token', 'logout_token']);
const ACCESS_LIKE = new Set<Lane>(['access_token_jwt', 'vendor_access_token_jwt', 'opaque_access_token']);

const header: Record<string, string> = {
  alg: 'signature algorithm the issuer used',
  kid: "key id: which key of the issuer's JWKS signed it",
  typ: 'declared type: access tokens say at+jwt; JWT says nothing',
  cty: 'content type of the payload (JWT: a nested token)',
  jwk: 'the public key of the DPoP proof; its thumbprint is what a bound token names in cnf.jkt',
  enc: 'content encryption algorithm of the JWE',
  zip: 'the payload was compressed before encryption',
  crit: 'extensions the reader must understand, or refuse the token',
  x5t: 'thumbprint of the X.509 certificate of the signing key',
  'x5t#S256': 'SHA-256 thumbprint of the X.509 certificate of the signing key',
  x5c: 'the X.509 certificate chain of the signing key',
  jku: 'a URL of keys named by the token itself: never to be trusted for verification',
  nonce: 'a nonce in the header (Azure AD v1 style): the token is only for the issuer\'s own APIs',
};

const common: Record<string, string> = {
  iss: 'issuer: who made and signed the token',
  exp: 'no one may accept it after this',
  nbf: 'no one may accept it before this',
  iat: 'when the issuer made it',
  jti: 'token id: unique per token (replay checks, revocation)',
  client_id: 'the client app the token was issued to',
  scope: 'scopes: what the API may let the caller do',
  scp: 'scopes (Azure AD): what the API may let the caller do',
  cnf: 'confirmation: jkt binds it to a DPoP key the caller must prove it holds',
  auth_time: 'when the user signed in',
  acr: 'how strongly the user signed in (context class)',
  amr: 'how the user signed in (methods: pwd, otp, …)',
  sid: 'the user\'s session at the issuer (for logout)',
  nonce: 'echoes the nonce of the client app\'s sign-in request: stops replayed ID tokens',
  at_hash: 'half a hash of the access token issued with it',
  c_hash: 'half a hash of the authorization code issued with it',
  s_hash: 'half a hash of the state of the sign-in request',
  name: 'profile: full name',
  given_name: 'profile: given name',
  family_name: 'profile: family name',
  middle_name: 'profile: middle name',
  nickname: 'profile: casual name',
  preferred_username: 'profile: the name the user goes by (not unique, not an id)',
  picture: 'profile: picture URL',
  profile: 'profile: profile page URL',
  website: 'profile: web site',
  email: 'email address (trust it only with email_verified true)',
  email_verified: 'whether the issuer verified the email address',
  phone_number: 'phone number',
  phone_number_verified: 'whether the issuer verified the phone number',
  address: 'postal address',
  locale: 'profile: language and region',
  zoneinfo: 'profile: time zone',
  birthdate: 'profile: birth date',
  gender: 'profile: gender',
  updated_at: 'when the profile last changed',
  groups: 'groups of the user (RFC 9068 §2.2.3.1)',
  roles: 'roles of the user or app',
  entitlements: 'entitlements of the user (RFC 9068 §2.2.3.1)',
  permissions: 'permissions granted (Auth0 RBAC): what the API may allow',
  events: 'security events: a back-channel logout token carries the logout event here',
  htm: 'DPoP: the HTTP method of the one request this proof is for',
  htu: 'DPoP: the URL (no query) of the one request this proof is for',
  ath: 'DPoP: hash of the access token sent with this proof',
  lk_grant: 'Lanekeeper grant (one consent); revoking it revokes the token',
  // Vendors.
  ver: 'token format version (Azure AD)',
  tid: 'tenant id (Azure AD)',
  oid: 'object id of the user or app in the tenant (Azure AD)',
  azpacr: 'how the client app authenticated (Azure AD: 0 public, 1 secret, 2 certificate)',
  appid: 'the client app (Azure AD v1)',
  appidacr: 'how the client app authenticated (Azure AD v1)',
  idp: 'the identity provider that authenticated the user',
  upn: 'user principal name (Azure AD)',
  unique_name: 'display name of the user (Azure AD v1)',
  aio: 'internal data of Azure AD (opaque)',
  uti: 'token id (Azure AD, internal)',
  rh: 'internal data of Azure AD (opaque)',
  wids: 'directory role ids of the user (Azure AD)',
  session_state: 'the user\'s session (Keycloak)',
  realm_access: 'realm roles of the user (Keycloak)',
  resource_access: 'roles of the user per client (Keycloak)',
  'allowed-origins': 'web origins allowed to use the token (Keycloak)',
  gty: 'grant type the token came from (Auth0)',
  org_id: 'organisation (Auth0)',
  hd: 'the Google Workspace domain of the user',
  // Introspection answers (RFC 7662).
  active: 'the issuer says it is valid now (false: expired, revoked, unknown)',
  token_type: 'the kind of token, as the issuer says',
  username: 'the user, in words',
};

function dependsOnLane(name: string, lane: Lane): string | undefined {
  const id = ID_LIKE.has(lane);
  const access = ACCESS_LIKE.has(lane);
  switch (name) {
    case 'aud':
      if (id) return 'audience: the client app it is for, and no one else';
      if (access) return 'audience: the API it is for; other APIs must refuse it';
      if (lane === 'refresh_token') return 'audience: who may redeem it';
      return 'audience: who the token is for';
    case 'sub':
      if (lane === 'dpop_proof') return 'subject';
      return 'subject: the user (or the machine client) it is about';
    case 'azp':
      if (id) return 'authorized party: the client app it was issued to';
      return 'authorized party: the client app the token was issued to';
    case 'typ':
      return 'the token type, declared in a claim (Keycloak: Bearer, ID, Refresh)';
    case 'jti':
      if (lane === 'dpop_proof') return 'proof id: an API refuses a proof it has seen before';
      return undefined;
    case 'iat':
      if (lane === 'dpop_proof') return 'when the proof was made: APIs accept only fresh proofs (about a minute)';
      return undefined;
    case 'nonce':
      if (lane === 'dpop_proof') return 'DPoP: a nonce the server asked for';
      return undefined;
    default:
      return undefined;
  }
}

/** The note for a claim of a token in `lane`. */
export function claimNote(name: string, lane: Lane): string {
  const note = dependsOnLane(name, lane) ?? common[name];
  if (note) return note;
  if (/^https?:\/\//.test(name)) return 'custom claim, namespaced by a URL (the issuer\'s own)';
  return 'custom claim: not registered, the issuer\'s own';
}

/** The note for a header member of a JWS, or of a JWE (`encrypted`). */
export function headerNote(name: string, encrypted = false): string {
  if (encrypted && name === 'alg') return 'key management: how the content key is encrypted for the recipient';
  if (encrypted && name === 'kid') return "which of the recipient's keys can decrypt it";
  return header[name] ?? 'header member the JOSE specs do not define';
}
