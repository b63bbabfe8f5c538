/** @jsxRuntime automatic */
/** @jsxImportSource preact */
// The pragmas keep JSX on Preact where tsx (esbuild) does not read a tsconfig.
import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { Notice } from '../session.js';

export interface Nav {
  /** The app's name in the top bar. */
  appName: string;
  mark: string;
  /** Where the name links to. */
  home: string;
  links: { href: string; label: string; current?: boolean }[];
  /** A sign-out form (POST with the session's CSRF token), when signed in. */
  signOut?: { action: string; csrf: string };
}

interface PageProps {
  title: string;
  nav: Nav;
  wide?: boolean;
  children: ComponentChildren;
}

function TopBar({ nav }: { nav: Nav }) {
  return (
    <header class="topbar">
      <div class="topbar-inner">
        <a class="brand" href={nav.home}>
          <span class="brand-mark" aria-hidden="true">
            {nav.mark}
          </span>
          <span>{nav.appName}</span>
        </a>
        <nav aria-label="Main">
          <ul class="nav">
            {nav.links.map((link) => (
              <li>
                <a href={link.href} aria-current={link.current ? 'page' : undefined}>
                  {link.label}
                </a>
              </li>
            ))}
            {nav.signOut ? (
              <li>
                <form method="post" action={nav.signOut.action}>
                  <CsrfField token={nav.signOut.csrf} />
                  <button class="btn btn-quiet" type="submit">
                    Sign out
                  </button>
                </form>
              </li>
            ) : null}
          </ul>
        </nav>
      </div>
    </header>
  );
}

function Page({ title, nav, wide, children }: PageProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${title} · ${nav.appName}`}</title>
        <link rel="stylesheet" href="/assets/app.css" />
      </head>
      <body>
        <TopBar nav={nav} />
        <main class={wide ? 'page wide' : 'page'}>{children}</main>
        <footer class="footer">
          <p>
            A Lanekeeper example: the app signs you in with OpenID Connect and calls the calendar API with an OAuth access token.
          </p>
        </footer>
      </body>
    </html>
  );
}

/** A full HTML document; Preact escapes every value. */
export function renderDocument(props: PageProps): string {
  return `<!doctype html>${renderToString(<Page {...props} />)}`;
}

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="csrf" value={token} />;
}

export function NoticeBox({ notice, children }: { notice: Notice; children?: ComponentChildren }) {
  return (
    <div class={`notice ${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'}>
      <h2>{notice.title}</h2>
      <p>{notice.text}</p>
      {children}
    </div>
  );
}
