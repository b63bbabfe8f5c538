/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import { createHash } from 'node:crypto';
import { renderToString } from 'preact-render-to-string';

/** The one script Lanekeeper ever sends: submit the response form on load (OAuth 2.0 Form Post Response Mode). */
const SCRIPT = 'document.forms[0].submit();';
const SCRIPT_HASH = `'sha256-${createHash('sha256').update(SCRIPT).digest('base64')}'`;

export interface FormPostProps {
  action: string;
  fields: Record<string, string>;
}

/** CSP for the form-post page: only its own script, and posting to the client's redirect URI. */
export function formPostCsp(action: string): string {
  const origin = new URL(action).origin;
  return `default-src 'none'; script-src ${SCRIPT_HASH}; form-action ${origin}; frame-ancestors 'none'; base-uri 'none'`;
}

export function renderFormPostPage({ action, fields }: FormPostProps): string {
  const page = (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="referrer" content="no-referrer" />
        <meta name="robots" content="noindex" />
        <title>Continuing…</title>
      </head>
      <body>
        <form method="post" action={action}>
          {Object.entries(fields).map(([name, value]) => (
            <input type="hidden" name={name} value={value} />
          ))}
          <noscript>
            <button type="submit">Continue</button>
          </noscript>
        </form>
        <script dangerouslySetInnerHTML={{ __html: SCRIPT }} />
      </body>
    </html>
  );
  return '<!doctype html>' + renderToString(page);
}
