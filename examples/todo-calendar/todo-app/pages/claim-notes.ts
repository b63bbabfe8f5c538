/**
 * One line per claim: who it is for and what it means, in the lane of the token that
 * carries it. `key` marks the claims where the two tokens differ in what matters.
 */
export type Lane = 'id' | 'access';

export interface NoteContext {
  clientId: string;
  apiUrl: string;
  issuer: string;
}

export interface Note {
  text: string;
  key?: boolean;
}

const profileClaims: Record<string, string> = {
  name: 'Your name, released by the profile scope: the greeting uses it.',
  given_name: 'Your first name (profile scope).',
  family_name: 'Your last name (profile scope).',
  nickname: 'Your nickname (profile scope).',
  preferred_username: 'The name you go by (profile scope).',
  picture: 'Your picture, released by the profile scope: shown beside the greeting.',
  email: 'Your email address, released by the email scope.',
  email_verified: 'Whether Lanekeeper has checked that the email address is yours.',
  locale: 'Your language and region (profile scope).',
  zoneinfo: 'Your time zone (profile scope).',
  updated_at: 'When your profile last changed.',
};

export function headerNote(lane: Lane, name: string): Note {
  switch (name) {
    case 'typ':
      return lane === 'id'
        ? { text: 'A plain JWT. An ID token is never typed at+jwt, so an API that checks typ refuses it.', key: true }
        : { text: 'Marks an access token (RFC 9068). The API\'s guard accepts no JWT without it: this is how it tells an ID token apart.', key: true };
    case 'alg':
      return { text: 'The signature algorithm; only asymmetric ones, so nobody but Lanekeeper can sign.' };
    case 'kid':
      return { text: 'Which of Lanekeeper\'s published keys (its JWKS) signed it.' };
    default:
      return { text: 'A header field this page has no note for.' };
  }
}

export function claimNote(lane: Lane, name: string, ctx: NoteContext): Note {
  if (lane === 'id') {
    switch (name) {
      case 'iss':
        return { text: 'Who issued it: Lanekeeper. The app accepts ID tokens only from the issuer it trusts.' };
      case 'sub':
        return { text: 'Who signed in: your permanent, opaque id at Lanekeeper. The app files your to-dos under it.' };
      case 'aud':
        return { text: `Who this token is for: the to-do app itself (its client_id, ${ctx.clientId}). No API may accept it.`, key: true };
      case 'exp':
        return { text: 'Until when the app may rely on it to start your session here.' };
      case 'iat':
        return { text: 'When Lanekeeper issued it.' };
      case 'auth_time':
        return { text: 'When you last entered your password at Lanekeeper.' };
      case 'nonce':
        return { text: 'The random value the app sent with this sign-in; a match proves the token was made for it, not replayed.', key: true };
      case 'at_hash':
        return { text: 'Half a hash of the access token that came with it: it binds the two, nothing more.' };
      case 'c_hash':
        return { text: 'Half a hash of the authorization code it came with.' };
      case 'sid':
        return { text: 'Your browser session at Lanekeeper; signing out ends it.' };
      case 'azp':
        return { text: 'The app the token was issued to (authorized party).' };
      case 'acr':
        return { text: 'How strong the sign-in was (authentication context).' };
      case 'amr':
        return { text: 'How you proved who you are, e.g. pwd for a password.' };
      default:
        return { text: profileClaims[name] ?? 'A claim this page has no note for.' };
    }
  }
  switch (name) {
    case 'iss':
      return { text: 'Who issued it: Lanekeeper. The calendar API accepts tokens from this issuer only.' };
    case 'sub':
      return { text: 'Whose calendar: the same id as in the ID token, so the API keeps entries per person.' };
    case 'aud':
      return { text: `Who this token is for: the calendar API (its identifier, ${ctx.apiUrl}), and Lanekeeper's userinfo endpoint. Never the app.`, key: true };
    case 'client_id':
      return { text: `Which app calls on your behalf: ${ctx.clientId}. (A machine client's token has sub equal to client_id.)`, key: true };
    case 'scope':
      return { text: 'What the calendar API may let the app do: read:calendar to see entries, write:calendar to add them. Never more than you may do.', key: true };
    case 'exp':
      return { text: 'Short-lived: the API refuses it after this, and the app refreshes it before.' };
    case 'iat':
      return { text: 'When Lanekeeper issued it (at sign-in, or at the last refresh).' };
    case 'nbf':
      return { text: 'Not valid before this time.' };
    case 'jti':
      return { text: 'This token\'s unique id, for deny-lists and logs.' };
    case 'lk_grant':
      return { text: 'The grant (your consent) the token belongs to; revoking the grant revokes the token.' };
    case 'cnf':
      return {
        text: 'The key this token is bound to (DPoP): jkt is the thumbprint of a key only this app holds. The API wants a fresh proof signed with that key on every request, so a copy of the token is useless without the key.',
        key: true,
      };
    case 'auth_time':
      return { text: 'When you last entered your password at Lanekeeper.' };
    default:
      return { text: 'A claim this page has no note for.' };
  }
}

/** Claims a lane does not carry, shown as absent because their absence is the point. */
export function absentNotes(lane: Lane, claims: Record<string, unknown>): { name: string; note: Note }[] {
  const absent: { name: string; note: Note }[] = [];
  if (lane === 'id' && !('scope' in claims)) {
    absent.push({ name: 'scope', note: { text: 'None. An ID token says who you are; it gives nobody permission to do anything.', key: true } });
  }
  if (lane === 'access' && !('nonce' in claims)) {
    absent.push({ name: 'nonce', note: { text: 'None. The nonce belongs to the app\'s sign-in, which is not the API\'s business.' } });
  }
  if (lane === 'access' && !('cnf' in claims)) {
    absent.push({ name: 'cnf', note: { text: 'None: a plain bearer token, bound to no key. Whoever holds a copy can use it until it expires.', key: true } });
  }
  return absent;
}

/** Time-valued claims, shown with a readable date. */
export const TIME_CLAIMS = new Set(['exp', 'iat', 'nbf', 'auth_time', 'updated_at']);

/**
 * The claims listed first, in this order (absent ones included where their absence is the
 * point); the others go under "more claims".
 */
export const CLAIM_ORDER: Record<Lane, string[]> = {
  id: ['aud', 'scope', 'sub', 'iss', 'nonce', 'name', 'picture', 'email', 'auth_time', 'iat', 'exp'],
  access: ['aud', 'scope', 'cnf', 'client_id', 'sub', 'iss', 'iat', 'exp', 'jti', 'lk_grant', 'nonce'],
};
