import { fetchJson, isObject, type FetchLike } from './http.js';

/** The members of RFC 8414 / OpenID Connect Discovery metadata the guard reads. */
export interface IssuerMetadata {
  issuer: string;
  jwks_uri?: string;
  introspection_endpoint?: string;
  [member: string]: unknown;
}

/** Thrown when metadata cannot be loaded or does not belong to the configured issuer. */
export class DiscoveryError extends Error {
  override name = 'DiscoveryError';
}

/**
 * Where to look for an issuer's metadata, in order: RFC 8414 (path-inserted for an issuer
 * with a path, §3.1), then OpenID Connect Discovery (path appended), then the
 * path-inserted OpenID form some servers also publish.
 */
export function metadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  const origin = url.origin;
  const urls = [`${origin}/.well-known/oauth-authorization-server${path}`, `${origin}${path}/.well-known/openid-configuration`];
  if (path) urls.push(`${origin}/.well-known/openid-configuration${path}`);
  return urls;
}

/** Loads the issuer's metadata from the first well-known URL that answers 200, and checks its `issuer`. */
export async function discover(issuer: string, fetchFn: FetchLike, timeoutMs: number): Promise<IssuerMetadata> {
  const failures: string[] = [];
  for (const url of metadataUrls(issuer)) {
    let response;
    try {
      response = await fetchJson(fetchFn, url, { headers: { accept: 'application/json' } }, timeoutMs);
    } catch (error) {
      failures.push(`${url}: ${(error as Error).message}`);
      continue;
    }
    if (response.status !== 200 || !isObject(response.body)) {
      failures.push(`${url}: HTTP ${response.status}`);
      continue;
    }
    const metadata = response.body;
    // RFC 8414 §3.3: the metadata must name exactly the issuer it was fetched for.
    if (metadata['issuer'] !== issuer) {
      throw new DiscoveryError(`${url} names issuer ${JSON.stringify(metadata['issuer'])}, not the configured ${issuer}`);
    }
    return metadata as IssuerMetadata;
  }
  throw new DiscoveryError(`no metadata for issuer ${issuer} (${failures.join('; ')})`);
}
