/** @jsxRuntime automatic */
/** @jsxImportSource preact */
// The answer to the token-lanes experiment: what the app sent, and what the calendar API said.
import type { ApiCall } from '../calendar-client.js';
import type { ProbeKind, ProbeResult } from '../session.js';
import { prettyJson } from './format.js';

const SENT: Record<ProbeKind, string> = {
  id: 'You sent the ID token.',
  access: 'You sent the access token.',
  replay: 'You replayed the access token without the key.',
};

/** The request as it went out; the tokens and the proof stand in as placeholders. */
function requestLines(call: ApiCall, kind: ProbeKind): string {
  const token = kind === 'id' ? 'the ID token' : 'the access token';
  const lines = [`${call.method} ${call.url}`, `Authorization: ${call.scheme} <${token}>`];
  if (call.scheme === 'DPoP') lines.push('DPoP: <a fresh proof: htm, htu, iat, jti and ath, signed with the app\'s key>');
  else if (kind === 'replay') lines.push('(no DPoP header: the key stays with the app)');
  return lines.join('\n');
}

/** A listing is shortened to its count; anything else is shown as it came. */
function bodyText(call: ApiCall): string {
  if (call.status === 200 && typeof call.body === 'object' && call.body !== null && 'entries' in call.body) {
    const { view, entries } = call.body as { view?: unknown; entries: unknown[] };
    return `{ "view": ${JSON.stringify(view)}, "entries": [ …${entries.length} entries… ] }`;
  }
  return prettyJson(call.body);
}

export function ProbeAnswer({ probe, explanation }: { probe: ProbeResult; explanation?: string }) {
  const { call } = probe;
  const accepted = call.status >= 200 && call.status < 300;
  return (
    <div class="result" id="result" role="status" aria-live="polite">
      <h3>{SENT[probe.token]} The calendar API answered:</h3>
      <p class={`status ${accepted ? 'accepted' : 'refused'}`}>
        {call.status} {call.statusText}
      </p>
      <dl class="exchange">
        <dt>Request</dt>
        <dd>
          <div class="line" id="probe-request">
            {requestLines(call, probe.token)}
          </div>
        </dd>
        {call.wwwAuthenticate ? (
          <>
            <dt>WWW-Authenticate header</dt>
            <dd>
              <div class="line" id="www-authenticate">
                {call.wwwAuthenticate}
              </div>
            </dd>
          </>
        ) : null}
        <dt>Body</dt>
        <dd>
          <pre>{bodyText(call)}</pre>
        </dd>
      </dl>
      {explanation ? <p class="explain">{explanation}</p> : null}
    </div>
  );
}
