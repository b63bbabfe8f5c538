/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import { resolveBranding, type Branding } from './branding.js';
import { CsrfField, renderDocument } from './layout.js';

export interface AccountApp {
  clientId: string;
  clientName: string;
  /** What the person allowed, in words (scope descriptions, claim groups). */
  allowed: string[];
  /** ISO date of the consent. */
  since: string;
}

export interface AccountPageProps {
  branding: Branding;
  email: string;
  name?: string;
  apps: AccountApp[];
  revokeAction: string;
  logoutUrl: string;
  csrfToken: string;
  /** A short confirmation after a revocation. */
  notice?: string;
}

/** The signed-in person's account: the apps they allowed, each with "Remove access". */
export function renderAccountPage(p: AccountPageProps): string {
  const branding = resolveBranding(p.branding);
  return renderDocument({
    branding,
    title: 'Your account',
    children: (
      <>
        <h1>Your account</h1>
        <p class="account">
          <span>Signed in as</span> <strong>{p.email}</strong>
          {p.name ? <span class="muted">({p.name})</span> : null}
        </p>
        {p.notice ? (
          <p class="notice" role="status">
            {p.notice}
          </p>
        ) : null}
        <div class="asks">
          <h2>Apps you allowed</h2>
          {p.apps.length === 0 ? <p class="muted">No app has access to your account.</p> : null}
          {p.apps.map((app) => (
            <section class="app" aria-labelledby={`app-${app.clientId}`}>
              <h3 id={`app-${app.clientId}`}>{app.clientName}</h3>
              <p class="muted">Allowed since {app.since}</p>
              {app.allowed.length > 0 ? (
                <ul>
                  {app.allowed.map((a) => (
                    <li>{a}</li>
                  ))}
                </ul>
              ) : null}
              <form method="post" action={p.revokeAction}>
                <CsrfField token={p.csrfToken} />
                <input type="hidden" name="client_id" value={app.clientId} />
                <button class="btn btn-secondary" type="submit">
                  Remove access for {app.clientName}
                </button>
              </form>
            </section>
          ))}
        </div>
        <p class="fine">
          <a href={p.logoutUrl}>Sign out of {branding.productName}</a>
        </p>
      </>
    ),
  });
}
