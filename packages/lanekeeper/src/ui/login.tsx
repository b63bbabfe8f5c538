/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import { resolveBranding, type Branding } from './branding.js';
import { CsrfField, renderDocument } from './layout.js';

export interface LoginPageProps {
  branding: Branding;
  /** Form POST URL. */
  action: string;
  csrfToken: string;
  /** Opaque interaction id, sent back as a hidden field. */
  interaction: string;
  clientName: string;
  /** Prefill for the email field (login_hint). */
  email?: string;
  /** One generic message, e.g. "The email or password is incorrect." */
  error?: string;
}

export function renderLoginPage(p: LoginPageProps): string {
  const branding = resolveBranding(p.branding);
  const hasEmail = Boolean(p.email);
  const errorId = p.error ? 'login-error' : undefined;
  return renderDocument({
    branding,
    title: 'Sign in',
    children: (
      <>
        <h1>Sign in</h1>
        <p class="lead">
          to continue to <strong>{p.clientName}</strong>
        </p>
        {p.error ? (
          <div class="alert" role="alert" id={errorId}>
            {p.error}
          </div>
        ) : null}
        <form method="post" action={p.action}>
          <CsrfField token={p.csrfToken} />
          <input type="hidden" name="interaction" value={p.interaction} />
          <div class="field">
            <label for="email">Email</label>
            <input
              id="email"
              name="email"
              type="email"
              autocomplete="username"
              autocapitalize="none"
              spellcheck={false}
              required
              value={p.email ?? ''}
              autofocus={!hasEmail}
              aria-describedby={errorId}
            />
          </div>
          <div class="field">
            <label for="password">Password</label>
            <input
              id="password"
              name="password"
              type="password"
              autocomplete="current-password"
              required
              autofocus={hasEmail}
              aria-describedby={errorId}
            />
          </div>
          <div class="form-actions">
            <button class="btn btn-primary" type="submit">
              Sign in
            </button>
          </div>
        </form>
      </>
    ),
  });
}
