/**
 * Checks a back-channel logout token (OpenID Connect Back-Channel Logout 1.0, §2.4 and
 * §2.6) before the app ends anybody's session on its word: signed with one of the
 * issuer's keys (its JWKS), `iss` = the issuer, `aud` = this app, header `typ:
 * logout+jwt`, recent, the back-channel logout event, a `sid` or a `sub`, no `nonce`
 * (so an ID token can never pass for one), and a `jti` not seen before.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** Who a logout token signs out: the Lanekeeper session `sid`, or (without one) every session of `sub`. */
export interface LogoutTarget {
  sid?: string;
  sub?: string;
}

/** A logout token that must not be acted on; the message says why, for the 400 answer. */
export class LogoutTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogoutTokenError';
  }
}

export interface LogoutTokenVerifierOptions {
  issuer: string;
  /** This app's client_id: the token's `aud`. */
  clientId: string;
  /** The issuer's JWKS URL (from its discovery document), or a key resolver (tests). */
  jwks: URL | JWTVerifyGetKey;
  /** How old (by `iat`) a token may be, seconds. Default 300. */
  maxAge?: number;
  /** Remembers the `jti`s already used; share one between verifiers of the same app. */
  replay: { remember(jti: string, untilMs: number): boolean };
}

/** Only the asymmetric algorithms Lanekeeper signs with: never `none`, never a shared secret. */
const ALGORITHMS = ['ES256', 'RS256', 'EdDSA', 'Ed25519', 'PS256', 'ES384', 'RS384', 'PS384', 'ES512', 'RS512', 'PS512'];
const CLOCK_TOLERANCE = 5;

export class LogoutTokenVerifier {
  private readonly keys: JWTVerifyGetKey;
  private readonly maxAge: number;

  constructor(private readonly options: LogoutTokenVerifierOptions) {
    this.keys = options.jwks instanceof URL ? createRemoteJWKSet(options.jwks) : options.jwks;
    this.maxAge = options.maxAge ?? 300;
  }

  /** Who to sign out; throws LogoutTokenError when the token is not a valid logout token for this app. */
  async verify(token: string): Promise<LogoutTarget> {
    const payload = await this.checkSignatureAndClaims(token);
    const events = payload.events;
    const event = typeof events === 'object' && events !== null && !Array.isArray(events) ? (events as Record<string, unknown>)[BACKCHANNEL_LOGOUT_EVENT] : undefined;
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      throw new LogoutTokenError(`the token's events claim does not hold the back-channel logout event (${BACKCHANNEL_LOGOUT_EVENT})`);
    }
    if ('nonce' in payload) throw new LogoutTokenError('the token carries a nonce, which a logout token never does (is it an ID token?)');
    const sid = typeof payload.sid === 'string' && payload.sid ? payload.sid : undefined;
    const sub = typeof payload.sub === 'string' && payload.sub ? payload.sub : undefined;
    if (!sid && !sub) throw new LogoutTokenError('the logout token names neither a session (sid) nor a person (sub)');
    if (typeof payload.jti !== 'string' || !payload.jti) throw new LogoutTokenError('the logout token has no jti');
    // Remembered until it would be refused anyway: too old, or expired.
    const until = Math.min(((payload.iat ?? 0) + this.maxAge + CLOCK_TOLERANCE) * 1000, ((payload.exp ?? 0) + CLOCK_TOLERANCE) * 1000);
    if (!this.options.replay.remember(payload.jti, until)) throw new LogoutTokenError('this logout token was already used (its jti was seen before)');
    return { ...(sid ? { sid } : {}), ...(sub ? { sub } : {}) };
  }

  private async checkSignatureAndClaims(token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: this.options.issuer,
        audience: this.options.clientId,
        typ: 'logout+jwt',
        algorithms: ALGORITHMS,
        maxTokenAge: this.maxAge,
        clockTolerance: CLOCK_TOLERANCE,
        requiredClaims: ['iss', 'aud', 'iat', 'exp', 'jti', 'events'],
      });
      return payload;
    } catch (error) {
      throw refusal(error);
    }
  }
}

/** jose's rejections in words; anything else (the issuer's keys could not be fetched) is rethrown as is. */
function refusal(error: unknown): unknown {
  if (error instanceof errors.JWTExpired) {
    return new LogoutTokenError(error.claim === 'iat' ? 'the logout token is too old (its iat is more than a few minutes ago)' : 'the logout token has expired');
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'typ':
        return new LogoutTokenError('the token\'s header typ is not logout+jwt, so it is not a logout token (an ID token is typed JWT)');
      case 'aud':
        return new LogoutTokenError('the logout token is not addressed to this app (its aud is another client)');
      case 'iss':
        return new LogoutTokenError('the logout token was not issued by this app\'s issuer');
      case 'iat':
        return new LogoutTokenError('the logout token\'s iat is missing or in the future');
      default:
        return new LogoutTokenError(`the logout token's ${error.claim} claim is ${error.reason === 'missing' ? 'missing' : 'not valid'}`);
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return new LogoutTokenError('the logout token is signed with an algorithm this app does not accept');
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return new LogoutTokenError('the logout token\'s signature does not verify with the issuer\'s keys');
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return new LogoutTokenError('the logout token is not a well-formed signed JWT');
  return error;
}
