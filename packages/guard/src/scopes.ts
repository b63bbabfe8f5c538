import { GuardError } from './errors.js';
import { messages } from './lanes/messages.js';
import type { Principal } from './principal.js';
import { formatChallenge, type Challenge } from './www-authenticate.js';

/** The scopes a token grants: RFC 9068's space-separated `scope`, or an `scp` list some issuers use. */
export function parseScopes(claims: Record<string, unknown>): string[] {
  const value = claims['scope'] ?? claims['scp'];
  if (typeof value === 'string') {
    const scopes = value.split(' ');
    return scopes.includes('') ? scopes.filter((s) => s !== '') : scopes;
  }
  if (Array.isArray(value)) return value.filter((s): s is string => typeof s === 'string' && s !== '');
  return [];
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
  return scopes.every((s) => principal.scopes.includes(s));
}

/**
 * Throws a 403 `insufficient_scope` GuardError (with `scope="…"` in its challenge) unless
 * the principal has ALL of `scopes`.
 */
export function requireScopes(principal: Principal, ...scopes: string[]): void {
  if (hasScopes(principal, ...scopes)) return;
  throw insufficientScope(principal, scopes, messages.insufficientScope(scopes, principal.scopes));
}

/** Throws a 403 `insufficient_scope` GuardError unless the principal has AT LEAST ONE of `scopes`. */
export function requireAnyScope(principal: Principal, ...scopes: string[]): void {
  if (scopes.length === 0 || scopes.some((s) => principal.scopes.includes(s))) return;
  throw insufficientScope(principal, scopes, messages.insufficientAnyScope(scopes, principal.scopes));
}
