/**
 * Response headers for every page of the apps: a CSP with no scripts at all, no framing,
 * no referrer (the callback URL carries the authorization code), and no caching of pages
 * that show personal data and tokens.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * `issuerOrigin` is in form-action because the sign-out form's POST is answered with a
 * redirect to Lanekeeper's logout page, and browsers apply form-action to redirects.
 */
export function contentSecurityPolicy(issuerOrigin: string): string {
  return [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self' https: data:",
    `form-action 'self' ${issuerOrigin}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export function securityHeaders(issuerOrigin: string) {
  const csp = contentSecurityPolicy(issuerOrigin);
  return async function setSecurityHeaders(_request: FastifyRequest, reply: FastifyReply): Promise<void> {
    reply.headers({
      'content-security-policy': csp,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
  };
}
