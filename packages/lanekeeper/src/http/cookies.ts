import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'lk_session';
export const BROWSER_COOKIE = 'lk_browser';

export interface CookiePolicy {
  secure: boolean;
  sessionTtl: number;
}

export function readCookies(request: FastifyRequest): { session: string | undefined; browser: string | undefined } {
  return { session: request.cookies[SESSION_COOKIE], browser: request.cookies[BROWSER_COOKIE] };
}

/** HttpOnly, SameSite=Lax (a cross-site form post carries no cookie), Secure behind https. */
function options(policy: CookiePolicy, maxAge: number) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: policy.secure, maxAge };
}

export function setSessionCookie(reply: FastifyReply, policy: CookiePolicy, value: string): void {
  reply.setCookie(SESSION_COOKIE, value, options(policy, policy.sessionTtl));
}

export function clearSessionCookie(reply: FastifyReply, policy: CookiePolicy): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: policy.secure });
}

export function setBrowserCookie(reply: FastifyReply, policy: CookiePolicy, value: string): void {
  reply.setCookie(BROWSER_COOKIE, value, options(policy, 400 * 86_400));
}
