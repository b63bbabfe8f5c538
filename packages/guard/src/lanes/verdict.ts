import type { TokenClassification, TokenKind } from './classify.js';
import { messages } from './messages.js';

/** What an API should do with a token, judged from its lane alone (before any cryptographic check). */
export type LaneVerdict =
  | {
      accept: true;
      kind: TokenKind;
      /** What must still happen before the token may be trusted. */
      next: 'verify_signature' | 'introspect';
    }
  | {
      accept: false;
      kind: TokenKind;
      status: 401 | 403;
      error: 'invalid_token' | 'invalid_request' | 'insufficient_scope';
      description: string;
    };

export interface LaneVerdictOptions {
  /** The API's identifier; when given, a JWT access token's (unverified) `aud` is compared with it. */
  audience?: string;
}

const refusals: Partial<Record<TokenKind, string>> = {
  id_token: messages.idToken,
  refresh_token: messages.refreshToken,
  authorization_code: messages.authorizationCode,
  logout_token: messages.logoutToken,
  dpop_proof: messages.dpopProof,
  malformed: messages.malformedToken,
};

/** The `aud` claim as a list, or undefined when it is missing or not a string/string list. */
export function audienceList(aud: unknown): string[] | undefined {
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud) && aud.every((a): a is string => typeof a === 'string')) return aud;
  return undefined;
}

function refuse(kind: TokenKind, description: string): LaneVerdict {
  return { accept: false, kind, status: 401, error: 'invalid_token', description };
}

/**
 * Whether an API may go on to check a token, given its lane. An accepting verdict is never
 * proof: a JWT access token still needs its signature and claims checked, an opaque one
 * needs introspection. A refusing verdict carries the RFC 6750 error and the description.
 */
export function laneVerdict(classification: TokenClassification, options: LaneVerdictOptions = {}): LaneVerdict {
  const { kind } = classification;
  switch (kind) {
    case 'access_token_jwt': {
      if (options.audience !== undefined && classification.claims) {
        const aud = audienceList(classification.claims['aud']);
        if (!aud?.includes(options.audience)) return refuse(kind, messages.audienceMismatch(aud, options.audience));
      }
      return { accept: true, kind, next: 'verify_signature' };
    }
    case 'opaque_access_token':
    case 'opaque_unknown':
      return { accept: true, kind, next: 'introspect' };
    case 'jwt_unknown':
      return refuse(kind, classification.format === 'jwe' ? messages.encryptedToken : messages.notAccessTokenJwt);
    default:
      return refuse(kind, refusals[kind] ?? messages.malformedToken);
  }
}

/** The description for an access token whose audience is not this API. */
export function audienceMismatchDescription(aud: unknown, expected: string): string {
  return messages.audienceMismatch(audienceList(aud), expected);
}
