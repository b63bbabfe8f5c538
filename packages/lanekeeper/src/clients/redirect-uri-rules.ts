/**
 * Which redirect URIs a self-registered client (dynamic registration, Client ID Metadata
 * Document) may declare. `web` clients: https, or http on a loopback address (matched
 * exactly). `native` clients (RFC 8252): also private-use schemes in reverse-domain form
 * (`com.example.app:/callback`); their loopback redirects may change port at each request.
 */
export type ApplicationType = 'web' | 'native';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);
const FORBIDDEN_SCHEMES = new Set(['javascript:', 'data:', 'vbscript:', 'file:', 'blob:', 'filesystem:', 'about:', 'ftp:', 'ws:', 'wss:']);

/** Why `uri` is refused as a redirect URI, or undefined when it is fine. */
export function redirectUriProblem(uri: string, applicationType: ApplicationType | undefined): string | undefined {
  if (typeof uri !== 'string' || uri.length === 0 || uri.length > 2000) return 'a redirect URI must be a URL of at most 2000 characters';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `redirect URI "${uri}" is not an absolute URL`;
  }
  if (url.hash || uri.includes('#')) return `redirect URI "${uri}" has a fragment`;
  if (url.username || url.password) return `redirect URI "${uri}" carries a user name or password`;
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') return LOOPBACK_HOSTS.has(url.hostname) ? undefined : `redirect URI "${uri}" uses http on a host that is not loopback (use https)`;
  if (FORBIDDEN_SCHEMES.has(url.protocol)) return `redirect URI "${uri}" uses a scheme that is not allowed`;
  if (applicationType === 'web') return `redirect URI "${uri}" uses a private-use scheme, which only native apps (application_type "native") may use`;
  if (!url.protocol.slice(0, -1).includes('.')) return `redirect URI "${uri}": a private-use scheme must be in reverse-domain form (e.g. com.example.app:/callback)`;
  return undefined;
}
