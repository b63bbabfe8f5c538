import { createHash, timingSafeEqual } from 'node:crypto';
import { randomBytesPooled } from './random.js';

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** A random opaque string: a short type prefix, then 256 random bits. */
export function randomToken(prefix: string): string {
  return prefix + randomBytesPooled(32).toString('base64url');
}

export function randomId(prefix: string, bytes = 16): string {
  return prefix + randomBytesPooled(bytes).toString('base64url');
}

/** Constant-time comparison of two strings (of any lengths). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}
