import assert from 'node:assert/strict';
import { GuardError } from '../../src/errors.js';

export interface ExpectedRefusal {
  status: number;
  code: string | undefined;
  /** The exact description, or a pattern it must match. */
  description: string | RegExp;
  /** The challenge scheme; default Bearer. */
  scheme?: 'Bearer' | 'DPoP';
}

/** Asserts that `promise` rejects with this GuardError, and that nothing in it repeats `token`. */
export async function assertRefused(promise: Promise<unknown>, expected: ExpectedRefusal, token?: string): Promise<GuardError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof GuardError, `expected a GuardError, got ${caught === undefined ? 'success' : String(caught)}`);
  const error = caught;
  assert.equal(error.status, expected.status, `status (description: ${error.description})`);
  assert.equal(error.code, expected.code, `code (description: ${error.description})`);
  if (typeof expected.description === 'string') assert.equal(error.description, expected.description);
  else assert.match(error.description, expected.description);
  if (error.status !== 503) {
    assert.ok(error.wwwAuthenticate, 'a WWW-Authenticate challenge');
    assert.ok(error.wwwAuthenticate.startsWith(expected.scheme ?? 'Bearer'), `scheme of ${error.wwwAuthenticate}`);
    if (expected.code) assert.ok(error.wwwAuthenticate.includes(`error="${expected.code}"`), error.wwwAuthenticate);
  }
  if (token) {
    const fragment = token.slice(-24);
    assert.ok(!error.description.includes(fragment), 'description must not echo the token');
    assert.ok(!error.wwwAuthenticate?.includes(fragment), 'challenge must not echo the token');
    assert.ok(!JSON.stringify(error.toJSON()).includes(fragment), 'body must not echo the token');
  }
  return error;
}

export interface RequestOptions {
  token?: string;
  scheme?: string;
  url?: string;
  method?: string;
  headers?: Record<string, string>;
  dpop?: string;
}

export const API_URL = 'http://api.test/calendar';

/** A fetch Request carrying `token` in the Authorization header. */
export function request(options: RequestOptions = {}): Request {
  const headers = new Headers(options.headers);
  if (options.token !== undefined) headers.set('authorization', `${options.scheme ?? 'Bearer'} ${options.token}`);
  if (options.dpop !== undefined) headers.set('dpop', options.dpop);
  return new Request(options.url ?? API_URL, { method: options.method ?? 'GET', headers });
}
