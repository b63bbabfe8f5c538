/** Token times (seconds since the epoch) as people read them: absolute UTC and relative. */

/** `2025-06-01 12:00:00 UTC` */
export function absoluteTime(seconds: number): string {
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) return 'not a valid time';
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A duration in the largest unit that keeps it readable: `40 s`, `4 min`, `2 h`, `3 d`. */
export function duration(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  if (s < 90) return `${s} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 48 * 3600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} d`;
}

/** `in 4 min` or `2 h ago`. */
export function relative(seconds: number, nowSeconds: number): string {
  const delta = seconds - nowSeconds;
  if (Math.abs(delta) < 1) return 'now';
  return delta > 0 ? `in ${duration(delta)}` : `${duration(delta)} ago`;
}

/** Claims that hold a time, by name. */
export const TIME_CLAIMS = new Set(['exp', 'iat', 'nbf', 'auth_time', 'updated_at']);

/** What a time claim means at `now`, in words: `expires in 4 min`, `expired 2 h ago`, `issued 1 min ago`. */
export function timePhrase(name: string, seconds: number, nowSeconds: number): string {
  const delta = seconds - nowSeconds;
  const span = duration(delta);
  if (Math.abs(delta) < 1) {
    const now: Record<string, string> = { exp: 'expires now', nbf: 'valid from now', iat: 'issued just now', auth_time: 'the user signed in just now' };
    return now[name] ?? 'now';
  }
  switch (name) {
    case 'exp':
      return delta > 0 ? `expires in ${span}` : `expired ${span} ago`;
    case 'nbf':
      return delta > 0 ? `not valid for another ${span}` : `valid since ${span} ago`;
    case 'iat':
      return delta > 0 ? `issued ${span} in the future (clock skew?)` : `issued ${span} ago`;
    case 'auth_time':
      return delta > 0 ? `sign-in ${span} in the future (clock skew?)` : `the user signed in ${span} ago`;
    default:
      return relative(seconds, nowSeconds);
  }
}
