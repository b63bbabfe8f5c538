import { GuardError } from './errors.js';
import { messages } from './lanes/messages.js';
import type { Principal } from './principal.js';
import { formatChallenge, type Challenge } from './www-authenticate.js';

/** The scopes a token grants: RFC 9068's space-separated `scope`, or an `scp` list some issuers use. */
export function parseScopes(claims: Record<string, unknown>): string[] {
  const value = claims['scope'] ?? claims['scp'];
  if (typeof value === 'string') return splitScopes(value);
  if (Array.isArray(value)) return value.filter((s): s is string => typeof s === 'string' && s !== '');
  return [];
}

/** A space-separated scope list, empty entries skipped (one pass, no regular expression: on every request). */
function splitScopes(value: string): string[] {
  const scopes: string[] = [];
  let start = 0;
  while (start < value.length) {
    let end = value.indexOf(' ', start);
    if (end === -1) end = value.length;
    if (end > start) scopes.push(value.slice(start, end));
    start = end + 1;
  }
  return scopes;
}

/** The realm / resource metadata of the guard that produced a principal, for its 403 challenge. */
const challengeContexts = new WeakMap<Principal, Pick<Challenge, 'realm' | 'algs'>>();

/** @internal Remembers which guard settings a principal's scope challenges use. */
export function bindChallengeContext(principal: Principal, context: Pick<Challenge, 'realm' | 'algs'>): void {
  challengeContexts.set(principal, context);
}

function insufficientScope(principal: Principal, needed: readonly string[], description: string): GuardError {
  const context = challengeContexts.get(principal) ?? {};
  const scope = needed.join(' ');
  return new GuardError({
    status: 403,
    code: 'insufficient_scope',
    description,
    wwwAuthenticate: formatChallenge({
      scheme: principal.dpop ? 'DPoP' : 'Bearer',
      ...context,
      error: 'insufficient_scope',
      description,
      scope,
    }),
  });
}

/** True when the principal has every one of `scopes`. */
export function hasScopes(principal: Principal, ...scopes: string[]): boolean {
  return hasAll(principal.scopes, scopes);
}

function hasAll(granted: readonly string[], needed: readonly string[]): boolean {
  // Plain loops: on every request, and short lists.
  for (let i = 0; i < needed.length; i++) {
    let found = false;
    for (let j = 0; j < granted.length && !found; j++) found = granted[j] === needed[i];
    if (!found) return false;
  }
  return true;
}

/**
 * Throws a 403 `insufficient_scope` GuardError (with `scope="…"` in its challenge) unless
 * the principal has ALL of `scopes`.
 */
export function requireScopes(principal: Principal, ...scopes: string[]): void {
  requireAllOf(principal, scopes);
}

/** Throws a 403 `insufficient_scope` GuardError unless the principal has AT LEAST ONE of `scopes`. */
export function requireAnyScope(principal: Principal, ...scopes: string[]): void {
  requireOneOf(principal, scopes);
}

/** @internal {@link requireScopes} with the scopes as a list. */
export function requireAllOf(principal: Principal, scopes: readonly string[]): void {
  if (hasAll(principal.scopes, scopes)) return;
  throw insufficientScope(principal, scopes, messages.insufficientScope(scopes, principal.scopes));
}

/** @internal {@link requireAnyScope} with the scopes as a list. */
export function requireOneOf(principal: Principal, scopes: readonly string[]): void {
  if (scopes.length === 0 || scopes.some((s) => principal.scopes.includes(s))) return;
  throw insufficientScope(principal, scopes, messages.insufficientAnyScope(scopes, principal.scopes));
}
