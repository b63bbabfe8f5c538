/** The parameters of one RFC 6750 §3 / RFC 9449 §7.1 challenge. */
export interface Challenge {
  scheme: 'Bearer' | 'DPoP';
  realm?: string | undefined;
  error?: string | undefined;
  description?: string | undefined;
  /** Space-separated scopes the resource needs (insufficient_scope). */
  scope?: string | undefined;
  /** RFC 9728 §5.1: where the protected resource's metadata lives. */
  resourceMetadata?: string | undefined;
  /** RFC 9449 §7.1: the DPoP proof algorithms the resource accepts (DPoP scheme only). */
  algs?: readonly string[] | undefined;
}

/**
 * A quoted-string for an auth-param. Characters outside printable ASCII are replaced with
 * "?" (RFC 6750 allows none, and they would break the header); quotes and backslashes
 * are escaped (RFC 9110 §5.6.4).
 */
export function quote(value: string): string {
  return `"${value.replace(/[^\x20-\x7e]/g, '?').replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Formats one challenge, e.g. `Bearer realm="api", error="invalid_token", error_description="..."`. */
export function formatChallenge(challenge: Challenge): string {
  const params: string[] = [];
  if (challenge.realm !== undefined) params.push(`realm=${quote(challenge.realm)}`);
  if (challenge.scheme === 'DPoP' && challenge.algs?.length) params.push(`algs=${quote(challenge.algs.join(' '))}`);
  if (challenge.error !== undefined) params.push(`error=${quote(challenge.error)}`);
  if (challenge.error !== undefined && challenge.description !== undefined) {
    params.push(`error_description=${quote(challenge.description)}`);
  }
  if (challenge.scope !== undefined) params.push(`scope=${quote(challenge.scope)}`);
  if (challenge.resourceMetadata !== undefined) params.push(`resource_metadata=${quote(challenge.resourceMetadata)}`);
  return params.length ? `${challenge.scheme} ${params.join(', ')}` : challenge.scheme;
}
