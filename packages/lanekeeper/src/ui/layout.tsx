/** @jsxRuntime automatic */
/** @jsxImportSource preact */
// The pragmas keep JSX on Preact even where a tool (tsx, esbuild) does not read tsconfig.
import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { ResolvedBranding } from './branding.js';
import { BASE_CSS, brandCss } from './styles.js';

interface PageProps {
  branding: ResolvedBranding;
  /** Document title, before " · <product>". */
  title: string;
  children: ComponentChildren;
}

function BrandHeader({ branding }: { branding: ResolvedBranding }) {
  return (
    <div class="brand">
      {branding.logoUrl ? (
        <img src={branding.logoUrl} alt={`${branding.productName} logo`} />
      ) : (
        <span class="mark" aria-hidden="true">
          {([...branding.productName][0] ?? '').toUpperCase()}
        </span>
      )}
      <span>{branding.productName}</span>
    </div>
  );
}

function Page({ branding, title, children }: PageProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <meta name="robots" content="noindex" />
        <title>{`${title} · ${branding.productName}`}</title>
        {/* Static CSS, ours; the only raw HTML on any page. */}
        <style dangerouslySetInnerHTML={{ __html: BASE_CSS }} />
        {/* Validated #rrggbb values, rendered as (escaped) text. */}
        <style>{brandCss(branding)}</style>
      </head>
      <body>
        <main>
          <BrandHeader branding={branding} />
          {children}
        </main>
      </body>
    </html>
  );
}

/** A full HTML document: `<!doctype html>` and the page, every value escaped by Preact. */
export function renderDocument(props: PageProps): string {
  return `<!doctype html>${renderToString(<Page {...props} />)}`;
}

/** The hidden CSRF field every form carries. */
export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="csrf" value={token} />;
}
