/** The Content-Security-Policy that goes with these pages: no scripts, hashed styles only. */
import { createHash } from 'node:crypto';
import { DEFAULT_BRANDING, resolveBranding, type Branding } from './branding.js';
import { BASE_CSS, brandCss } from './styles.js';

/** CSP source expression for an inline `<style>` whose text is exactly `css`. */
export function styleHash(css: string): string {
  return `'sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}'`;
}

const BASE_CSS_HASH = styleHash(BASE_CSS);
const UNSAFE_SCHEMES = new Set(['javascript:', 'data:', 'blob:', 'filesystem:', 'file:', 'about:']);

/**
 * An extra form-action source from a redirect URI or origin: http(s) URLs give their
 * origin (CSP checks redirects by origin), a private-use scheme (`com.example.app:/cb`)
 * gives the bare scheme; anything unparseable or script-capable is dropped.
 */
function formActionSource(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  if (url.protocol === 'https:' || url.protocol === 'http:') return url.origin;
  if (UNSAFE_SCHEMES.has(url.protocol)) return undefined;
  return /^[a-z][a-z0-9+.-]*:$/.test(url.protocol) ? url.protocol : undefined;
}

/**
 * `default-src 'none'; style-src <hashes>; img-src 'self' https: data:; form-action 'self' …;
 * frame-ancestors 'none'; base-uri 'none'`.
 *
 * `extraFormActions`: where a form POST may end up after the server's 303 (browsers
 * apply form-action to redirects), e.g. the client's redirect URI on the consent page.
 * `branding`: the branding the page was rendered with (its colour rule is hashed too);
 * defaults to DEFAULT_BRANDING.
 */
export function pageCsp(extraFormActions: readonly string[] = [], branding: Branding = DEFAULT_BRANDING): string {
  const brandHash = styleHash(brandCss(resolveBranding(branding)));
  const formActions = new Set(["'self'"]);
  for (const value of extraFormActions) {
    const source = typeof value === 'string' ? formActionSource(value) : undefined;
    if (source) formActions.add(source);
  }
  return [
    "default-src 'none'",
    `style-src ${BASE_CSS_HASH} ${brandHash}`,
    "img-src 'self' https: data:",
    `form-action ${[...formActions].join(' ')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}
