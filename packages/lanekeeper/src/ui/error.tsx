/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import { resolveBranding, type Branding } from './branding.js';
import { renderDocument } from './layout.js';

export interface ErrorPageProps {
  branding: Branding;
  title: string;
  message: string;
  /** Machine-readable code, e.g. `invalid_request`; shown small, in monospace. */
  code?: string;
}

export function renderErrorPage(p: ErrorPageProps): string {
  const branding = resolveBranding(p.branding);
  return renderDocument({
    branding,
    title: p.title,
    children: (
      <>
        <h1>{p.title}</h1>
        <p class="lead">{p.message}</p>
        {p.code ? (
          <p class="error-code">
            Error code: <code>{p.code}</code>
          </p>
        ) : null}
      </>
    ),
  });
}
