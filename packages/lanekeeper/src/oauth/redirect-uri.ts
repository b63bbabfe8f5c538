const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]']);

/**
 * Exact string matching of redirect URIs (OAuth 2.1 §2.3.1), with one exception from
 * RFC 8252 §7.3: for a native client's loopback redirect, the port may vary.
 * `localhost` gets no such exception: it can be resolved to something else.
 */
export function matchRedirectUri(requested: string, registered: readonly string[], isPublic: boolean): boolean {
  if (registered.includes(requested)) return true;
  if (!isPublic) return false;
  let req: URL;
  try {
    req = new URL(requested);
  } catch {
    return false;
  }
  if (req.protocol !== 'http:' || !LOOPBACK_HOSTS.has(req.hostname)) return false;
  return registered.some((r) => {
    try {
      const reg = new URL(r);
      return reg.protocol === 'http:' && reg.hostname === req.hostname && reg.pathname === req.pathname && reg.search === req.search && req.username === '' && req.password === '';
    } catch {
      return false;
    }
  });
}
