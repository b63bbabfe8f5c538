import { randomToken, safeEqual, sha256 } from '../util/hash.js';

/**
 * Client and API secrets are high-entropy strings, so a SHA-256 hash is enough to keep them
 * unusable if the database leaks (passwords, which are low-entropy, use argon2id instead).
 */
export function hashSecret(secret: string): string {
  return `sha256:${sha256(secret)}`;
}

export function verifySecret(secret: string, storedHash: string | null): boolean {
  // Compare against a dummy when no hash is stored, so timing does not tell whether it exists.
  return safeEqual(hashSecret(secret), storedHash ?? 'sha256:-') && storedHash !== null;
}

export function generateSecret(prefix: string): string {
  return randomToken(prefix);
}
