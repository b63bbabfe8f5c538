/**
 * Every description a Lanekeeper refusal can carry, in one place, so the guard, the
 * server's userinfo and introspection, and the CLI say the same words.
 *
 * Descriptions never contain the token, and they quote unverified token contents only
 * where noted. They stay within the characters RFC 6750 allows in `error_description`,
 * apart from values passed in (which the WWW-Authenticate formatter sanitizes).
 */
export const messages = {
  // The lanes: tokens that are not access tokens.
  idToken:
    'this is an ID token (it tells the client app who logged in; its aud is the client app); send the access token instead',
  refreshToken: 'this is a refresh token; exchange it at the token endpoint and send the access token',
  authorizationCode: 'this is an authorization code; exchange it at the token endpoint and send the access token',
  logoutToken:
    'this is a back-channel logout token (the issuer sends it to the client app); send the access token instead',
  dpopProof:
    'this is a DPoP proof; it belongs in the DPoP header, and the access token belongs in the Authorization header',
  encryptedToken:
    'this token is encrypted (JWE); this API accepts signed JWT access tokens (typ at+jwt) or opaque access tokens',
  notAccessTokenJwt:
    'this JWT is not typed as an access token: its header typ must be at+jwt (RFC 9068); send the access token',
  malformedToken: 'the token is malformed: it is neither a JWT nor an opaque token',

  // Where the token is.
  missingToken: 'this API needs an access token in the Authorization header (Bearer or DPoP scheme)',
  unsupportedScheme: 'this API accepts access tokens only with the Bearer or DPoP scheme of the Authorization header',
  tokenInQuery:
    'access tokens in the URL query string are ignored; send the access token in the Authorization header (Bearer or DPoP scheme)',
  tokenInBody:
    'access tokens in the request body are ignored; send the access token in the Authorization header (Bearer or DPoP scheme)',
  multipleTokens: 'the request carries more than one access token; send exactly one, in the Authorization header',
  malformedAuthorization: 'the Authorization header must be the scheme Bearer or DPoP, one space, and one token',

  // Signature and key.
  algNone: 'the token is unsigned (alg none); access tokens must be signed by the issuer',
  algSymmetric: (alg: string) =>
    `the token is signed with ${alg}, a shared-secret algorithm; this API accepts only the issuer's asymmetric signatures`,
  algNotAllowed: (allowed: readonly string[]) => `the token's alg is not one this API accepts (${allowed.join(', ')})`,
  unknownKid:
    "the token's signing key (kid) is not in the issuer's JWKS: it was not issued by this issuer, or its key was retired",
  ambiguousKey: "the token names no kid, and the issuer's JWKS has more than one key for its alg",
  keyMismatch: "the token's alg does not match the type or alg of the key its kid names",
  unusableKey: "the issuer's key named by the token's kid cannot be used to verify it",
  badSignature: "the token's signature does not verify: it was altered, or not signed by the issuer",
  payloadNotJson: "the token's payload is not a JSON claims set",
  unsupportedCrit: "the token's header lists critical extensions (crit) this API does not support",

  // Claims.
  issuerMismatch: (iss: string, expected: string) =>
    `this token was issued by ${iss}, not by this API's issuer ${expected}`,
  audienceMismatch: (aud: string | readonly string[] | undefined, expected: string) =>
    aud === undefined || aud.length === 0
      ? `this access token names no audience (aud); this API is ${expected}`
      : `this access token is for ${typeof aud === 'string' ? aud : aud.join(', ')}, not for this API ${expected}`,
  missingExp: 'the access token has no exp claim; access tokens must expire',
  expired: 'the access token has expired; get a new one',
  notYetValid: 'the access token is not valid yet (its nbf is in the future)',
  issuedInFuture: "the access token's iat is in the future; check the issuer's clock",
  missingClaim: (name: string) => `the access token has no ${name} claim (RFC 9068 section 2.2 requires it)`,
  invalidClaim: (name: string) => `the access token's ${name} claim has the wrong type`,

  // Opaque tokens and introspection.
  opaqueNotSupported:
    'this API accepts only JWT access tokens; opaque access tokens need introspection, which this API has not configured',
  inactive: 'the access token is not active: it expired, was revoked, or was never issued',
  introspectedNotAccessToken: 'the issuer says this token is not an access token; send the access token',
  introspectionUnavailable: "the issuer's introspection endpoint could not be reached; try again later",
  keysUnavailable: "the issuer's signing keys (JWKS) could not be fetched; try again later",
  replayStoreUnavailable: 'the DPoP replay store could not be reached, so the proof cannot be checked for reuse; try again later',
  replayCacheFull: 'the API has recorded as many DPoP proofs as it can keep until the oldest expire, so this one cannot be checked for reuse; try again shortly',

  // DPoP (RFC 9449).
  boundTokenAsBearer:
    'this access token is DPoP-bound (cnf.jkt); send it with the DPoP scheme (Authorization: DPoP) and a DPoP proof',
  dpopSchemeUnbound: 'the DPoP scheme was used, but this access token is not DPoP-bound; send it with the Bearer scheme',
  missingProof: 'the DPoP scheme needs a DPoP proof in the DPoP header',
  multipleProofs: 'the request carries more than one DPoP proof',
  proofMalformed: 'the DPoP proof is not a well-formed JWT',
  proofTyp: "the DPoP proof's header typ must be dpop+jwt",
  proofAlg: (allowed: readonly string[]) => `the DPoP proof's alg must be one of ${allowed.join(', ')}`,
  proofNoJwk: 'the DPoP proof has no public jwk in its header',
  proofPrivateKey: "the DPoP proof's jwk holds a private key; put only the public key in the proof",
  proofKeyAlg: "the DPoP proof's jwk does not fit its alg",
  proofSignature: "the DPoP proof's signature does not verify with its jwk",
  proofHtm: "the DPoP proof's htm does not match the request method",
  proofHtu: "the DPoP proof's htu does not match the request URL",
  proofIat: "the DPoP proof's iat is outside the accepted window; make a fresh proof",
  proofJti: 'the DPoP proof has no usable jti',
  proofReplay: 'this DPoP proof was already used (its jti was seen before); make a fresh proof for every request',
  proofAth: "the DPoP proof's ath is not the hash of this access token",
  proofKeyMismatch: "the DPoP proof's key is not the key this access token is bound to (cnf.jkt)",

  // Scopes.
  insufficientScope: (required: readonly string[], granted: readonly string[]) =>
    `this API needs scope ${required.join(' ')}; the token has ${granted.length ? granted.join(' ') : 'no scopes'}`,
  insufficientAnyScope: (anyOf: readonly string[], granted: readonly string[]) =>
    `this API needs one of the scopes ${anyOf.join(', ')}; the token has ${granted.length ? granted.join(' ') : 'no scopes'}`,
} as const;

export type Messages = typeof messages;
