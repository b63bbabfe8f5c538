/** Plain words for what the calendar API answered, for people rather than for programs. */
import { refusalOf, type ApiCall } from './calendar-client.js';

export function explainCall(call: ApiCall, sent: 'id' | 'access'): string {
  const { error, description = '' } = refusalOf(call);
  if (call.status === 200 || call.status === 201) {
    return sent === 'access'
      ? 'The calendar API accepted the access token: it is addressed to the API (aud), typed at+jwt, signed by Lanekeeper, and carries the scope the request needs.'
      : 'The calendar API accepted this token. It should not have: an ID token is not an access token.';
  }
  if (sent === 'id' && /ID token/i.test(description)) {
    return 'The calendar API refused the ID token, and said why. An ID token tells this app who you are: its aud is the app itself, and it carries no scope, so it gives no permission to any API. The API\'s guard recognised it by its header (typ JWT, not at+jwt) and answered 401 with the reason in WWW-Authenticate. The app must send the access token instead.';
  }
  if (call.status === 403 && error === 'insufficient_scope') {
    return 'The calendar API understood the access token but it does not allow this: the token lacks write:calendar. Your account may only read the calendar, so Lanekeeper left write:calendar out of the token when you signed in; an app can never do more than the person who signed in to it.';
  }
  if (call.status === 401) {
    return `The calendar API did not accept the token${description ? `: ${description}` : ''}.`;
  }
  return `The calendar API answered ${call.status} ${call.statusText}${description ? `: ${description}` : ''}.`;
}
