/** @jsxRuntime automatic */
/** @jsxImportSource preact */
// The team portal's one page: a first-party app, signed in without a consent screen.
import { CsrfField, NoticeBox, renderDocument, type Nav } from '../todo-app/pages/layout.js';
import type { Notice } from '../todo-app/session.js';

export interface PortalPageProps {
  nav: Nav;
  csrf: string;
  /** Shown once, above the page. */
  notice?: Notice;
  /** Present when signed in. */
  user?: { name: string; sub: string; aud: string };
}

export function renderPortal({ nav, csrf, notice, user }: PortalPageProps): string {
  return renderDocument({
    title: user ? 'Welcome back' : 'Sign in',
    nav,
    children: (
      <>
        {notice ? <NoticeBox notice={notice} /> : null}
        {user ? <SignedIn csrf={csrf} user={user} /> : <SignedOut />}
      </>
    ),
  });
}

function SignedIn({ csrf, user }: { csrf: string; user: NonNullable<PortalPageProps['user']> }) {
  return (
    <section class="card" aria-labelledby="portal-heading">
      <h1 id="portal-heading">Hello, {user.name}</h1>
      <p class="lead">
        You are signed in to the team portal, and Lanekeeper did not ask for your consent: the portal is a{' '}
        <strong>first-party</strong> app (<code>first_party: true</code> in the seed), run by the same people as Lanekeeper. The
        to-do app is third-party, so it has to ask.
      </p>
      <p>
        If you had already signed in for the to-do app, you did not type your password here either: both apps share your
        Lanekeeper session (single sign-on).
      </p>
      <p class="muted small">
        Your ID token for this app: <code>aud</code> = <code>{user.aud}</code>, <code>sub</code> = <code>{user.sub}</code>.
      </p>
      <div class="portal-actions">
        <form method="post" action="/portal/logout">
          <CsrfField token={csrf} />
          <button class="btn btn-secondary" type="submit">
            Leave the portal
          </button>
        </form>
        <form method="post" action="/portal/signout">
          <CsrfField token={csrf} />
          <button class="btn btn-primary" type="submit">
            Sign out everywhere
          </button>
        </form>
      </div>
      <p class="muted small">
        “Leave the portal” forgets the portal's tokens only. “Sign out everywhere” also ends your Lanekeeper session, and
        Lanekeeper tells every app signed in with it (the to-do app too) over the back channel.
      </p>
    </section>
  );
}

function SignedOut() {
  return (
    <section class="card" aria-labelledby="portal-heading">
      <h1 id="portal-heading">Team portal</h1>
      <p class="lead">
        A first-party app on the same Lanekeeper as the to-do app. Signing in here skips the consent screen.
      </p>
      <p>
        <a class="btn btn-primary" href="/portal/login">
          Sign in to the portal
        </a>
      </p>
    </section>
  );
}
