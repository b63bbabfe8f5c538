/** Small formatting helpers shared by the pages. */
import { decodeJwt, decodeProtectedHeader } from 'jose';

/** "Tue 26 Nov 2024" for "2024-11-26". */
export function formatDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(date);
}

/** "in 4 min", "12 s ago". */
export function relative(seconds: number): string {
  const abs = Math.abs(Math.round(seconds));
  const amount = abs < 90 ? `${abs} s` : abs < 90 * 60 ? `${Math.round(abs / 60)} min` : abs < 36 * 3600 ? `${Math.round(abs / 3600)} h` : `${Math.round(abs / 86400)} days`;
  return seconds >= 0 ? `in ${amount}` : `${amount} ago`;
}

/** "06:50:00 UTC, 24 Nov (in 9 min)" for an epoch-seconds claim. */
export function formatTimeClaim(epochSeconds: number, now = Date.now()): string {
  const date = new Date(epochSeconds * 1000);
  if (Number.isNaN(date.getTime())) return String(epochSeconds);
  const clock = date.toISOString().slice(11, 19);
  const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(date);
  return `${clock} UTC, ${day} (${relative(epochSeconds - now / 1000)})`;
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export interface DecodedToken {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/** Decodes a JWT for display only: nothing here is verified (openid-client and the API's guard do that). */
export function decodeForDisplay(jwt: string): DecodedToken | undefined {
  try {
    return { header: { ...decodeProtectedHeader(jwt) }, claims: { ...decodeJwt(jwt) } };
  } catch {
    return undefined;
  }
}

export function stringClaim(claims: Record<string, unknown>, name: string): string | undefined {
  const value = claims[name];
  return typeof value === 'string' && value ? value : undefined;
}

/** A picture URL safe to put in <img src>: http(s) only. */
export function pictureUrl(claims: Record<string, unknown>): string | undefined {
  const value = stringClaim(claims, 'picture');
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

export function prettyJson(value: unknown, max = 1500): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return text.length > max ? `${text.slice(0, max)}\n… (${text.length - max} more characters)` : text;
}
