import { GuardError } from '../errors.js';

/** What every adapter sends for a refusal. */
export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: ReturnType<GuardError['toJSON']>;
}

/** The status, headers (WWW-Authenticate, Cache-Control: no-store) and JSON body for a GuardError. */
export function errorResponse(error: GuardError): ErrorResponse {
  const headers: Record<string, string> = { 'cache-control': 'no-store', 'content-type': 'application/json' };
  if (error.wwwAuthenticate !== undefined) headers['www-authenticate'] = error.wwwAuthenticate;
  return { status: error.status, headers, body: error.toJSON() };
}

/** The metadata document's headers: cacheable, JSON, readable from browsers (MCP clients fetch it cross-origin). */
export const metadataHeaders: Record<string, string> = {
  'content-type': 'application/json',
  'cache-control': 'public, max-age=3600',
  'access-control-allow-origin': '*',
};
