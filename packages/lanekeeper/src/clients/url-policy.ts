/**
 * Allow and deny lists for client URLs (Client ID Metadata Documents). A rule is either a
 * URL prefix (`https://apps.example.com/mcp/`; a bare origin counts as its root, so
 * `https://apps.example.com` cannot match `https://apps.example.com.evil.test/`) or a host
 * name (`apps.example.com`, or `*.example.com` for its subdomains).
 */
function matches(url: URL, rule: string): boolean {
  if (rule.includes('://')) {
    let prefix: string;
    try {
      prefix = new URL(rule).href;
    } catch {
      return false;
    }
    return url.href.startsWith(prefix);
  }
  const host = rule.toLowerCase();
  if (host.startsWith('*.')) return url.hostname.endsWith(host.slice(1)) && url.hostname.length > host.length - 1;
  return url.hostname === host;
}

/** Why the URL is not allowed by the lists, or undefined: denied wins; an empty allow list allows all. */
export function urlPolicyProblem(rawUrl: string, allowed: readonly string[], denied: readonly string[]): string | undefined {
  const url = new URL(rawUrl);
  if (denied.some((rule) => matches(url, rule))) return `this server does not accept apps from ${url.host}`;
  if (allowed.length > 0 && !allowed.some((rule) => matches(url, rule))) return `this server does not accept apps from ${url.host} (it is not on the allowed list)`;
  return undefined;
}
