/**
 * What each tool needs, and the challenges that tell an MCP client so (MCP authorization,
 * "Scope challenge handling"; RFC 6750 §3). A tools/call is checked at the HTTP layer,
 * before the MCP server runs it, so a client with too few scopes gets a real
 * `403 insufficient_scope` it can step up from, not a tool error.
 */
import { formatChallenge, GuardError, type Principal } from '@lanekeeper/guard';
import { messages } from '@lanekeeper/guard/lanes';
import { SCOPES } from '../todo-calendar/config.js';

export const TOOL_SCOPES: Record<string, string> = {
  list_entries: SCOPES.read,
  add_entry: SCOPES.write,
};

/** The scopes every caller starts with: what a client should ask for first. */
export const BASE_SCOPES = [SCOPES.read];

/** The scopes a JSON-RPC message (or batch) needs: those of the tools it calls. */
export function scopesFor(body: unknown): string[] {
  const messages = Array.isArray(body) ? body : [body];
  const needed = new Set<string>();
  for (const m of messages) {
    if (m === null || typeof m !== 'object') continue;
    const { method, params } = m as { method?: unknown; params?: { name?: unknown } };
    if (method !== 'tools/call') continue;
    const scope = typeof params?.name === 'string' ? TOOL_SCOPES[params.name] : undefined;
    if (scope) needed.add(scope);
  }
  return [...needed];
}

/**
 * 403 insufficient_scope whose `scope` is what the caller holds here plus what it lacks, so
 * a client that re-authorizes with it keeps what it had (MCP authorization: "include both
 * existing relevant scopes and newly required scopes").
 */
export function insufficientScope(auth: Principal, needed: string[], resourceMetadata: string): GuardError {
  const known = new Set(Object.values(TOOL_SCOPES));
  const scope = [...new Set([...auth.scopes.filter((s) => known.has(s)), ...needed])].join(' ');
  const description = messages.insufficientScope(needed, auth.scopes);
  return new GuardError({
    status: 403,
    code: 'insufficient_scope',
    description,
    wwwAuthenticate: formatChallenge({ scheme: auth.dpop ? 'DPoP' : 'Bearer', error: 'insufficient_scope', description, scope, resourceMetadata }),
  });
}

/** Adds `scope="…"` (the scopes to start with) to a 401 challenge, as MCP servers should. */
export function withBaseScope(error: GuardError): GuardError {
  if (error.status !== 401 || !error.wwwAuthenticate) return error;
  const scope = `scope="${BASE_SCOPES.join(' ')}"`;
  const challenge = /^\S+$/.test(error.wwwAuthenticate) ? `${error.wwwAuthenticate} ${scope}` : `${error.wwwAuthenticate}, ${scope}`;
  return new GuardError({ status: error.status, code: error.code, description: error.description, wwwAuthenticate: challenge });
}
