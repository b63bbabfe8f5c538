/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import { resolveBranding, type Branding } from './branding.js';
import { CsrfField, renderDocument } from './layout.js';

export interface LogoutPageProps {
  branding: Branding;
  action: string;
  csrfToken: string;
  /** The app that asked for the sign-out (RP-initiated logout), if known. */
  clientName?: string;
  interaction?: string;
}

export interface LoggedOutPageProps {
  branding: Branding;
  clientName?: string;
}

export function renderLogoutPage(p: LogoutPageProps): string {
  const branding = resolveBranding(p.branding);
  const product = branding.productName;
  return renderDocument({
    branding,
    title: 'Sign out',
    children: (
      <>
        <h1>Sign out of {product}?</h1>
        <p class="lead">
          {p.clientName ? (
            <>
              <strong>{p.clientName}</strong> asked to sign you out.{' '}
            </>
          ) : null}
          You will be signed out of {product} in this browser.
        </p>
        <form method="post" action={p.action}>
          <CsrfField token={p.csrfToken} />
          {p.interaction ? <input type="hidden" name="interaction" value={p.interaction} /> : null}
          <div class="form-actions">
            <button class="btn btn-primary" type="submit" name="decision" value="logout">
              Sign out
            </button>
          </div>
        </form>
      </>
    ),
  });
}

export function renderLoggedOutPage(p: LoggedOutPageProps): string {
  const branding = resolveBranding(p.branding);
  return renderDocument({
    branding,
    title: 'Signed out',
    children: (
      <>
        <h1>You are signed out</h1>
        <p class="lead">You have signed out of {branding.productName} in this browser.</p>
        <p class="muted">
          {p.clientName ? `You can close this window or return to ${p.clientName}.` : 'You can close this window.'}
        </p>
      </>
    ),
  });
}
