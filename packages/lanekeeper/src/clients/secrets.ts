import { timingSafeEqual } from 'node:crypto';
import { randomToken, sha256 } from '../util/hash.js';

/**
 * Client and API secrets are high-entropy strings, so a SHA-256 hash is enough to keep them
 * unusable if the database leaks (passwords, which are low-entropy, use argon2id instead).
 */
export function hashSecret(secret: string): string {
  return `sha256:${sha256(secret)}`;
}

/** A stand-in hash for a caller that does not exist, of the same length as a real one. */
const DUMMY_HASH = hashSecret('');

export function verifySecret(secret: string, storedHash: string | null): boolean {
  // Compare against a dummy when no hash is stored, so timing does not tell whether it exists.
  // Both sides are SHA-256 digests of fixed length: a constant-time compare needs no second hash.
  const computed = Buffer.from(hashSecret(secret));
  const expected = Buffer.from(storedHash ?? DUMMY_HASH);
  return computed.length === expected.length && timingSafeEqual(computed, expected) && storedHash !== null;
}

export function generateSecret(prefix: string): string {
  return randomToken(prefix);
}
