/** @jsxRuntime automatic */
/** @jsxImportSource preact */
// The token-lanes page: the two tokens decoded side by side, every claim annotated, the
// access token's key binding (DPoP), and the experiment of sending tokens to the calendar API.
import type { ComponentChildren } from 'preact';
import type { ProbeKind, ProbeResult } from '../session.js';
import { absentNotes, CLAIM_ORDER, claimNote, headerNote, TIME_CLAIMS, type Lane, type Note, type NoteContext } from './claim-notes.js';
import { decodeForDisplay, formatTimeClaim, relative, type DecodedToken } from './format.js';
import { KeyBinding } from './key-binding.js';
import { CsrfField, renderDocument, type Nav } from './layout.js';
import { ProbeAnswer } from './probe-answer.js';

export interface LanesProps {
  nav: Nav;
  csrf: string;
  idToken: string;
  accessToken: string;
  hasRefreshToken: boolean;
  accessTokenExpiresAt: number;
  refreshes: number;
  refreshMargin: number;
  /** The thumbprint of this session's DPoP key, when DPoP is on. */
  appKeyJkt?: string;
  ctx: NoteContext;
  probe?: ProbeResult;
  /** Plain words for the probe's answer. */
  explanation?: string;
}

function display(name: string, value: unknown): string {
  if (TIME_CLAIMS.has(name) && typeof value === 'number') return `${value} · ${formatTimeClaim(value)}`;
  if (typeof value === 'string') return value;
  // A space after each comma lets long arrays (aud) wrap between items.
  if (Array.isArray(value)) return `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
  return JSON.stringify(value);
}

interface Row {
  name: string;
  value?: string;
  note: Note;
  absent?: boolean;
}

/** The claims as rows: the telling ones first (in CLAIM_ORDER), the rest alphabetically. */
function claimRows(lane: Lane, claims: Record<string, unknown>, ctx: NoteContext): { main: Row[]; more: Row[] } {
  const rows: Row[] = [
    ...Object.keys(claims).map((name) => ({ name, value: display(name, claims[name]), note: claimNote(lane, name, ctx) })),
    ...absentNotes(lane, claims).map(({ name, note }) => ({ name, note, absent: true })),
  ];
  const order = CLAIM_ORDER[lane];
  const main = rows.filter((r) => order.includes(r.name)).sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  const more = rows.filter((r) => !order.includes(r.name)).sort((a, b) => a.name.localeCompare(b.name));
  return { main, more };
}

function Claim({ name, value, note, absent }: { name: string; value?: string; note: Note; absent?: boolean }) {
  return (
    <li class={note.key ? 'key' : undefined} data-claim={name}>
      <div class="row">
        <code class="name">{name}</code>
        {absent ? <span class="value absent">not present</span> : <code class="value">{value}</code>}
      </div>
      <p class="note">{note.text}</p>
    </li>
  );
}

function ClaimList({ label, rows }: { label: string; rows: Row[] }) {
  return (
    <ul class="claims" aria-label={label}>
      {rows.map((row) => (
        <Claim name={row.name} value={row.value} note={row.note} absent={row.absent} />
      ))}
    </ul>
  );
}

interface TokenCardProps {
  lane: Lane;
  kicker: string;
  heading: string;
  summary: string;
  raw: string;
  decoded: DecodedToken | undefined;
  ctx: NoteContext;
}

function TokenCard({ lane, kicker, heading, summary, raw, decoded, ctx }: TokenCardProps) {
  const slug = lane === 'id' ? 'id-token' : 'access-token';
  const rows = decoded ? claimRows(lane, decoded.claims, ctx) : undefined;
  return (
    <section class={`card token ${lane === 'id' ? 'id' : 'at'}`} aria-labelledby={`${slug}-heading`} id={slug}>
      <p class="token-kicker">{kicker}</p>
      <h2 id={`${slug}-heading`}>{heading}</h2>
      <p class="muted small">{summary}</p>
      {decoded ? (
        <>
          <h3 class="section-label">Header</h3>
          <ul class="claims" aria-label={`${heading}: header`}>
            {Object.entries(decoded.header).map(([name, value]) => (
              <Claim name={name} value={display(name, value)} note={headerNote(lane, name)} />
            ))}
          </ul>
          <h3 class="section-label">Claims</h3>
          <ClaimList label={`${heading}: claims`} rows={rows?.main ?? []} />
          {rows && rows.more.length > 0 ? (
            <details>
              <summary>
                {rows.more.length} more {rows.more.length === 1 ? 'claim' : 'claims'}
              </summary>
              <ClaimList label={`${heading}: more claims`} rows={rows.more} />
            </details>
          ) : null}
        </>
      ) : (
        <p>This token is not a JWT, so there is nothing to decode.</p>
      )}
      <details>
        <summary>The token as sent (encoded)</summary>
        <code class="raw" id={`raw-${slug}`}>
          {raw}
        </code>
      </details>
    </section>
  );
}

function audText(claims: Record<string, unknown> | undefined): string {
  const aud = claims?.aud;
  return Array.isArray(aud) ? aud.join(', ') : typeof aud === 'string' ? aud : '—';
}

/** The access token's cnf.jkt, if it is DPoP-bound. */
function boundJkt(at: DecodedToken | undefined): string | undefined {
  const cnf = at?.claims.cnf;
  const jkt = typeof cnf === 'object' && cnf !== null ? (cnf as { jkt?: unknown }).jkt : undefined;
  return typeof jkt === 'string' ? jkt : undefined;
}

function Glance({ id, at, ctx }: { id?: DecodedToken; at?: DecodedToken; ctx: NoteContext }) {
  const bound = boundJkt(at) !== undefined;
  const rows: [string, ComponentChildren, ComponentChildren][] = [
    [
      'Who it is for (aud)',
      <>
        <code>{audText(id?.claims)}</code>: the to-do app
      </>,
      <>
        <code>{audText(at?.claims)}</code>: the calendar API (and userinfo)
      </>,
    ],
    ['Header typ', <code>{String(id?.header.typ ?? '—')}</code>, <code>{String(at?.header.typ ?? '—')}</code>],
    [
      'Scope',
      <>none: it grants nothing</>,
      <code>{typeof at?.claims.scope === 'string' ? at.claims.scope : '—'}</code>,
    ],
    ['Read by', <>the app, to know who you are</>, <>the calendar API, to decide what {ctx.clientId} may do</>],
    [
      'Bound to a key (cnf)',
      <>no</>,
      bound ? <>yes: to a key only the app holds (DPoP)</> : <>no: a bearer token</>,
    ],
    [
      'Sent to',
      <>nobody: the app keeps it</>,
      bound ? <>the calendar API, as Authorization: DPoP, with a fresh proof</> : <>the calendar API, as Authorization: Bearer</>,
    ],
  ];
  // Plain boxes, not a table: on a phone each aspect becomes a heading over two cells.
  // Each cell names its token for screen readers, since the column heads may be far away.
  return (
    <div class="glance">
      <div class="aspect corner" aria-hidden="true" />
      <div class="head col-id" aria-hidden="true">
        ID token
      </div>
      <div class="head col-at" aria-hidden="true">
        Access token
      </div>
      {rows.map(([aspect, idCell, atCell]) => (
        <>
          <div class="aspect">{aspect}</div>
          <div class="col-id">
            <span class="visually-hidden">ID token: </span>
            {idCell}
          </div>
          <div class="col-at">
            <span class="visually-hidden">Access token: </span>
            {atCell}
          </div>
        </>
      ))}
    </div>
  );
}

const BUTTON_CLASS: Record<ProbeKind, string> = { id: 'btn btn-id', access: 'btn btn-at', replay: 'btn btn-replay' };

function ProbeButton({ csrf, kind, label }: { csrf: string; kind: ProbeKind; label: string }) {
  return (
    <form method="post" action="/lanes/send">
      <CsrfField token={csrf} />
      <input type="hidden" name="token" value={kind} />
      <button class={BUTTON_CLASS[kind]} type="submit">
        {label}
      </button>
    </form>
  );
}

export function renderLanes(p: LanesProps): string {
  const id = decodeForDisplay(p.idToken);
  const at = decodeForDisplay(p.accessToken);
  const expiresIn = (p.accessTokenExpiresAt - Date.now()) / 1000;
  const jkt = boundJkt(at);
  const bound = jkt !== undefined;
  return renderDocument({
    title: 'Token lanes',
    nav: p.nav,
    wide: true,
    children: (
      <>
        <section class="card" aria-labelledby="lanes-heading">
          <h1 id="lanes-heading">Two tokens, two lanes</h1>
          <p class="lead">
            When you signed in, Lanekeeper gave this app two tokens. Both are signed JWTs and look alike, but each has exactly
            one reader. The ID token is for the app; the access token is for the API.
          </p>
          <Glance id={id} at={at} ctx={p.ctx} />
        </section>

        <section class="card" id="try" aria-labelledby="try-heading">
          <h2 id="try-heading">Try it: which token does the calendar API accept?</h2>
          <p>
            The app sends <code>GET /entries</code> to the calendar API with a token in the Authorization header, and shows you
            exactly what came back.{bound ? ' The access token goes with a DPoP proof of the app\'s key; the replay sends it alone, as a stolen copy would be sent.' : ''}
          </p>
          <div class="tries">
            <ProbeButton csrf={p.csrf} kind="id" label="Send the ID token to the calendar API" />
            <ProbeButton csrf={p.csrf} kind="access" label="Send the access token to the calendar API" />
            {bound ? <ProbeButton csrf={p.csrf} kind="replay" label="Replay the access token without the key" /> : null}
          </div>
          {p.probe ? <ProbeAnswer probe={p.probe} explanation={p.explanation} /> : null}
        </section>

        <div class="lanes">
          <TokenCard
            lane="id"
            kicker="For the app"
            heading="ID token"
            summary="Tells the to-do app who signed in, when and how. The app validated it and keeps it; it is proof of identity for the app, not permission for anyone."
            raw={p.idToken}
            decoded={id}
            ctx={p.ctx}
          />
          <TokenCard
            lane="access"
            kicker="For the API"
            heading="Access token"
            summary={`Lets the calendar API decide what the app may do for you. The app treats it as opaque and sends it as is${bound ? ', with a proof of its key' : ''} (this page decodes it only to show you); the API checks it.`}
            raw={p.accessToken}
            decoded={at}
            ctx={p.ctx}
          />
        </div>

        <KeyBinding boundTo={jkt} appKey={p.appKeyJkt} />

        <section class="card" aria-labelledby="life-heading">
          <h2 id="life-heading">Keeping the access token fresh</h2>
          <p>
            The access token {expiresIn > 0 ? 'expires' : 'expired'} {relative(expiresIn)}. The app refreshes it when less than{' '}
            {p.refreshMargin} s remain, with the <strong>refresh token</strong>
            {p.hasRefreshToken ? '' : ' (none was issued for this session)'}: an opaque <code>lk_rt_…</code> string it sends only
            to Lanekeeper's token endpoint, never to an API, and never shows. Each refresh rotates it.
          </p>
          <p class="muted small" id="refresh-count">
            Refreshed {p.refreshes} {p.refreshes === 1 ? 'time' : 'times'} in this session.
          </p>
        </section>

      </>
    ),
  });
}
