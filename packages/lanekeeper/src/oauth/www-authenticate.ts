/** RFC 6750 §3 `WWW-Authenticate` value; quotes and backslashes in values are escaped. */
export function bearerChallenge(params: { error?: string; error_description?: string; scope?: string; algs?: string }, scheme = 'Bearer'): string {
  const parts = [`realm="lanekeeper"`];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    const clean = v.replace(/[^\x20-\x7e]/g, '?').replace(/(["\\])/g, '\\$1');
    parts.push(`${k}="${clean}"`);
  }
  return `${scheme} ${parts.join(', ')}`;
}
