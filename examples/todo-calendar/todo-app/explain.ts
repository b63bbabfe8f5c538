/** Plain words for what the calendar API answered, for people rather than for programs. */
import { refusalOf, type ApiCall } from './calendar-client.js';
import type { ProbeKind } from './session.js';

function explainAccepted(call: ApiCall, sent: ProbeKind): string {
  if (sent === 'id') return 'The calendar API accepted this token. It should not have: an ID token is not an access token.';
  if (sent === 'replay') {
    return 'The calendar API accepted the access token with no proof at all: it is a plain bearer token, bound to no key, so anyone holding a copy can use it until it expires. With DPoP on, the token is bound to the app\'s key and a copy alone is refused.';
  }
  return call.scheme === 'DPoP'
    ? 'The calendar API accepted the access token and its DPoP proof: the token is addressed to the API (aud), typed at+jwt, signed by Lanekeeper and carries the scope the request needs, and the proof was signed just now with the key the token is bound to (cnf.jkt).'
    : 'The calendar API accepted the access token: it is addressed to the API (aud), typed at+jwt, signed by Lanekeeper, and carries the scope the request needs.';
}

export function explainCall(call: ApiCall, sent: ProbeKind): string {
  const { error, description = '' } = refusalOf(call);
  if (call.status === 200 || call.status === 201) return explainAccepted(call, sent);
  if (sent === 'id' && /ID token/i.test(description)) {
    return 'The calendar API refused the ID token, and said why. An ID token tells this app who you are: its aud is the app itself, and it carries no scope, so it gives no permission to any API. The API\'s guard recognised it by its header (typ JWT, not at+jwt) and answered 401 with the reason in WWW-Authenticate. The app must send the access token instead.';
  }
  if (sent === 'replay' && /DPoP-bound/i.test(description)) {
    return 'The calendar API refused the access token because it came without its key. The token is bound to a key only this app holds: its cnf.jkt claim is that key\'s thumbprint, and the API wants every request to carry a fresh DPoP proof signed with it. Whoever copies the token (from a log, a proxy, a leaked backup) cannot make that proof, so the copy is useless. The real token is fine: the app still uses it, with its proof.';
  }
  if (call.status === 403 && error === 'insufficient_scope') {
    return 'The calendar API understood the access token but it does not allow this: the token lacks write:calendar. Your account may only read the calendar, so Lanekeeper left write:calendar out of the token when you signed in; an app can never do more than the person who signed in to it.';
  }
  if (call.status === 401) {
    return `The calendar API did not accept the token${description ? `: ${description}` : ''}.`;
  }
  return `The calendar API answered ${call.status} ${call.statusText}${description ? `: ${description}` : ''}.`;
}
