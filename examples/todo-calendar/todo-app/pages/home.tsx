/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import type { ApiCall, CalendarEntry } from '../calendar-client.js';
import { refusalOf } from '../calendar-client.js';
import type { Notice } from '../session.js';
import type { Todo } from '../todos.js';
import { formatDay } from './format.js';
import { CsrfField, NoticeBox, renderDocument, type Nav } from './layout.js';

/** The API's refusal, as it answered: status, error code, challenge. */
export function ApiAnswer({ call }: { call: ApiCall }) {
  const { error, description } = refusalOf(call);
  return (
    <dl class="answer">
      <dt>The calendar API answered</dt>
      <dd>
        {call.status} {call.statusText}
        {error ? ` · ${error}` : ''}
      </dd>
      {description ? (
        <>
          <dt>Its reason</dt>
          <dd>{description}</dd>
        </>
      ) : null}
      {call.wwwAuthenticate ? (
        <>
          <dt>WWW-Authenticate</dt>
          <dd>{call.wwwAuthenticate}</dd>
        </>
      ) : null}
    </dl>
  );
}

export interface LandingProps {
  nav: Nav;
  notice?: Notice;
  portalUrl: string;
}

export function renderLanding({ nav, notice, portalUrl }: LandingProps): string {
  return renderDocument({
    title: 'Welcome',
    nav,
    children: (
      <>
        {notice ? <NoticeBox notice={notice} /> : null}
        <section class="card">
          <h1>Your to-dos, in your calendar</h1>
          <p class="lead">
            Sign in with Lanekeeper, write down what needs doing, and add it to your calendar. The app shows the two tokens it
            gets, each in its lane: the <strong>ID token</strong> tells the app who you are; the <strong>access token</strong>{' '}
            lets it use the calendar API.
          </p>
          <p>
            <a class="btn btn-primary" href="/login">
              Sign in with Lanekeeper
            </a>
          </p>
          <p class="muted small">
            The demo accounts are printed by <code>npm run demo</code>. This app is a third-party app to Lanekeeper, so you will
            be asked to allow what it asks for. The <a href={portalUrl}>team portal</a> is first-party: no consent screen.
          </p>
        </section>
      </>
    ),
  });
}

export interface DashboardProps {
  nav: Nav;
  csrf: string;
  name: string;
  email?: string;
  picture?: string;
  clientId: string;
  todos: Todo[];
  /** GET /entries, as the calendar API answered it (absent when the app could not call it). */
  calendar?: ApiCall;
  entries: CalendarEntry[];
  /** The scopes in the access token. */
  scopes: string[];
  notice?: Notice;
  today: string;
}

function TodoList({ todos, csrf }: { todos: Todo[]; csrf: string }) {
  if (todos.length === 0) return <p class="empty">Nothing yet. Add your first to-do above.</p>;
  return (
    <ul class="list" aria-label="To-dos">
      {todos.map((todo) => (
        <li>
          <div class="what">
            <span class="title">{todo.title}</span>
            <span class="when">{formatDay(todo.date)}</span>
          </div>
          {todo.calendarEntryId ? (
            <span class="badge">In your calendar</span>
          ) : (
            <form method="post" action={`/todos/${encodeURIComponent(todo.id)}/calendar`}>
              <CsrfField token={csrf} />
              <button class="btn btn-secondary btn-small" type="submit" aria-label={`Add “${todo.title}” to calendar`}>
                Add to calendar
              </button>
            </form>
          )}
        </li>
      ))}
    </ul>
  );
}

function Calendar({ call, entries, scopes }: { call?: ApiCall; entries: CalendarEntry[]; scopes: string[] }) {
  return (
    <section class="card" id="calendar" aria-labelledby="calendar-heading">
      <h2 id="calendar-heading">Your calendar</h2>
      <p class="source">
        <span>
          From the calendar API: <code>GET /entries</code> with the access token
          {call?.scheme === 'DPoP' ? ' and a DPoP proof' : ''}
          {call ? ` → ${call.status}` : ''}
        </span>
        <span class="scopes" aria-label="Scopes in the access token">
          {scopes.map((s) => (
            <span class="scope">{s}</span>
          ))}
        </span>
      </p>
      {call && call.status !== 200 ? (
        <div class="notice error" role="alert">
          <h2>The calendar could not be read</h2>
          <ApiAnswer call={call} />
        </div>
      ) : entries.length === 0 ? (
        <p class="empty">No entries in your calendar yet.</p>
      ) : (
        <ul class="list" aria-label="Calendar entries">
          {entries.map((entry) => (
            <li>
              <div class="what">
                <span class="title">{entry.title}</span>
                <span class="when">{formatDay(entry.date)}</span>
              </div>
              <span class="muted small">added by {entry.created_by}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function renderDashboard(p: DashboardProps): string {
  return renderDocument({
    title: 'Your to-dos',
    nav: p.nav,
    children: (
      <>
        <section class="card" aria-labelledby="hello">
          <div class="hello">
            {p.picture ? <img class="avatar" src={p.picture} alt="" width={56} height={56} /> : null}
            <div>
              <h1 id="hello">Hello, {p.name}</h1>
              {p.email ? <p class="muted">Signed in as {p.email}</p> : null}
            </div>
          </div>
          <p class="lane-note">
            The app knows who you are from your <strong>ID token</strong>: Lanekeeper issued it to this app (aud{' '}
            <code>{p.clientId}</code>), and the app checked its signature, issuer, audience and nonce. It never sends it to the
            API. <a href="/lanes">See both tokens side by side</a>
          </p>
        </section>

        {p.notice ? (
          <NoticeBox notice={p.notice}>{p.notice.call ? <ApiAnswer call={p.notice.call} /> : null}</NoticeBox>
        ) : null}

        <section class="card" id="todos" aria-labelledby="todos-heading">
          <h2 id="todos-heading">Your to-dos</h2>
          <form class="add-todo" method="post" action="/todos">
            <CsrfField token={p.csrf} />
            <div class="field">
              <label for="todo-title">To-do</label>
              <input id="todo-title" name="title" required maxLength={200} autocomplete="off" placeholder="e.g. Water the plants" />
            </div>
            <div class="field">
              <label for="todo-date">Day</label>
              <input id="todo-date" name="date" type="date" required value={p.today} />
            </div>
            <button class="btn btn-primary" type="submit">
              Add to-do
            </button>
          </form>
          <TodoList todos={p.todos} csrf={p.csrf} />
          <p class="lane-note at">
            “Add to calendar” calls the calendar API with the <strong>access token</strong> (aud = the calendar API). The app
            never reads it; it refreshes it before it expires.
          </p>
        </section>

        <Calendar call={p.calendar} entries={p.entries} scopes={p.scopes} />
      </>
    ),
  });
}
