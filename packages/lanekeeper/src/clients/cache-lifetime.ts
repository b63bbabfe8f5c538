export interface CacheBounds {
  /** Seconds; also the lifetime when the response forbids caching (a document is needed for the whole sign-in). */
  min: number;
  max: number;
  /** Seconds, when the response says nothing. */
  fallback: number;
}

export const METADATA_DOCUMENT_CACHE: CacheBounds = { min: 60, max: 86_400, fallback: 300 };

/** How long to keep a fetched document: its Cache-Control max-age, clamped to the bounds. */
export function cacheLifetime(cacheControl: string | undefined, bounds: CacheBounds = METADATA_DOCUMENT_CACHE): number {
  const clamp = (n: number) => Math.min(bounds.max, Math.max(bounds.min, n));
  if (!cacheControl) return clamp(bounds.fallback);
  const directives = cacheControl
    .toLowerCase()
    .split(',')
    .map((d) => d.trim());
  if (directives.some((d) => d === 'no-store' || d === 'no-cache' || d.startsWith('no-cache='))) return bounds.min;
  const maxAge = directives.find((d) => d.startsWith('max-age='));
  if (maxAge) {
    const seconds = Number(maxAge.slice('max-age='.length).replace(/^"|"$/g, ''));
    if (Number.isInteger(seconds) && seconds >= 0) return clamp(seconds);
  }
  return clamp(bounds.fallback);
}
