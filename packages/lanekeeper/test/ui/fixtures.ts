// Sample props for every page, friendly and hostile, shared by the ui tests.
import {
  DEFAULT_BRANDING,
  renderConsentPage,
  renderErrorPage,
  renderLoggedOutPage,
  renderLoginPage,
  renderLogoutPage,
  type Branding,
  type ConsentPageProps,
} from '../../src/ui/index.js';

export const SCRIPT = '<script>alert(1)</script>';
export const IMG = '"><img src=x onerror=alert(1)>';
export const HOSTILE = `${SCRIPT}${IMG}`;

/** A light brand colour (needs black text and a darker accent) with an inline SVG logo. */
export const BRIGHT_BRANDING: Branding = {
  productName: 'Sunbeam ID',
  primaryColor: '#FFD43B',
  logoUrl:
    'data:image/svg+xml,' +
    encodeURIComponent(
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="14" fill="#f59f00"/><circle cx="16" cy="16" r="7" fill="#fff3bf"/></svg>',
    ),
};

export const consentProps = (branding: Branding = DEFAULT_BRANDING): ConsentPageProps => ({
  branding,
  action: '/interaction/consent',
  csrfToken: 'csrf-consent-123',
  interaction: 'int-consent-456',
  clientName: 'Todo Web',
  clientUri: 'https://todo.example.com/about',
  userEmail: 'ada.lovelace@example.com',
  profile: [
    { group: 'openid', description: 'Confirm that it is you who signed in' },
    { group: 'profile', description: 'Your name and profile picture' },
    { group: 'email', description: 'Your email address' },
  ],
  apis: [
    {
      name: 'Calendar API',
      identifier: 'https://calendar.example.com/api',
      scopes: [
        { name: 'calendar:read', description: 'See your events and calendars' },
        { name: 'calendar:write', description: 'Create, change and delete events' },
      ],
    },
  ],
  offlineAccess: true,
});

/** Every page with ordinary content, by a file-name-friendly key. */
export function friendlyPages(branding: Branding = DEFAULT_BRANDING): Record<string, string> {
  const base = { branding, csrfToken: 'csrf-123', interaction: 'int-456' };
  return {
    login: renderLoginPage({ ...base, action: '/interaction/login', clientName: 'Todo Web' }),
    'login-error': renderLoginPage({
      ...base,
      action: '/interaction/login',
      clientName: 'Todo Web',
      email: 'ada.lovelace@example.com',
      error: 'The email or password is incorrect.',
    }),
    consent: renderConsentPage(consentProps(branding)),
    // An app known only by its Client ID Metadata Document: its host shown beside its own name.
    'consent-metadata-document': renderConsentPage({ ...consentProps(branding), clientName: 'Example MCP client', clientHost: 'mcp-client.example.com' }),
    logout: renderLogoutPage({ ...base, action: '/logout', clientName: 'Todo Web' }),
    'logged-out': renderLoggedOutPage({ branding, clientName: 'Todo Web' }),
    error: renderErrorPage({
      branding,
      title: 'This sign-in link cannot be used',
      message: 'The application sent a request we could not accept. Go back to the application and try again.',
      code: 'invalid_request',
    }),
  };
}

/** Every page with attacker-controlled text in every field that may carry it. */
export function hostilePages(): Record<string, string> {
  const branding: Branding = { productName: HOSTILE, primaryColor: 'red;}body{display:none', logoUrl: 'javascript:alert(1)' };
  return {
    login: renderLoginPage({
      branding,
      action: '/interaction/login',
      csrfToken: IMG,
      interaction: IMG,
      clientName: HOSTILE,
      email: HOSTILE,
      error: HOSTILE,
    }),
    consent: renderConsentPage({
      ...consentProps(branding),
      csrfToken: IMG,
      interaction: IMG,
      clientName: HOSTILE,
      clientUri: 'javascript:alert(1)',
      clientHost: HOSTILE,
      logoUri: 'javascript:alert(1)',
      userEmail: HOSTILE,
      profile: [{ group: 'email', description: HOSTILE }],
      apis: [{ name: HOSTILE, identifier: HOSTILE, scopes: [{ name: HOSTILE, description: HOSTILE }] }],
    }),
    logout: renderLogoutPage({ branding, action: '/logout', csrfToken: IMG, interaction: IMG, clientName: HOSTILE }),
    'logged-out': renderLoggedOutPage({ branding, clientName: HOSTILE }),
    error: renderErrorPage({ branding, title: HOSTILE, message: HOSTILE, code: HOSTILE }),
  };
}

/** The text of every `<style>` element, in order. */
export function styleBlocks(html: string): string[] {
  return [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1] ?? '');
}

/** Attributes of every `<tag …>` in `html`, as objects (Preact always double-quotes values). */
export function tags(html: string, tag: string): Record<string, string>[] {
  return [...html.matchAll(new RegExp(`<${tag}\\b((?:[^>"]|"[^"]*")*?)/?>`, 'g'))].map((m) => {
    const attrs: Record<string, string> = {};
    for (const a of (m[1] ?? '').matchAll(/([a-zA-Z-]+)(?:="([^"]*)")?/g)) attrs[a[1] as string] = a[2] ?? '';
    return attrs;
  });
}

/** The one `<form>…</form>` of a page (undefined if none; throws if several). */
export function onlyForm(html: string): { attrs: Record<string, string>; body: string } | undefined {
  const forms = [...html.matchAll(/<form\b((?:[^>"]|"[^"]*")*)>([\s\S]*?)<\/form>/g)];
  if (forms.length > 1) throw new Error('more than one form');
  const f = forms[0];
  if (!f) return undefined;
  return { attrs: tags(`<form${f[1] ?? ''}>`, 'form')[0] ?? {}, body: f[2] ?? '' };
}
