import type { FastifyReply } from 'fastify';
import { pageCsp, renderErrorPage } from '../ui/index.js';
import { formPostCsp, renderFormPostPage } from '../ui/form-post.js';
import { redirectUrl, type ClientResponse } from '../oauth/client-response.js';
import type { HttpDeps } from './deps.js';

function send(reply: FastifyReply, status: number, html: string, csp: string): FastifyReply {
  return reply.code(status).header('Content-Type', 'text/html; charset=utf-8').header('Cache-Control', 'no-store').header('Content-Security-Policy', csp).send(html);
}

/**
 * Sends one of our pages with its CSP; pages are never cached. `formTargets` are the URLs a
 * form on the page may end up at (CSP form-action covers the redirect after the post too).
 */
export function sendPage(reply: FastifyReply, deps: HttpDeps, status: number, html: string, formTargets: string[] = []): FastifyReply {
  return send(reply, status, html, pageCsp(formTargets, deps.branding));
}

export function sendErrorPage(reply: FastifyReply, deps: HttpDeps, status: number, title: string, message: string, code?: string): FastifyReply {
  return sendPage(reply, deps, status, renderErrorPage({ branding: deps.branding, title, message, ...(code ? { code } : {}) }));
}

export const EXPIRED = { title: 'This sign-in has expired', message: 'Go back to the app and start again.' };
export const FORBIDDEN = { title: 'The form could not be accepted', message: 'It was not sent from this page, or it was sent twice. Go back to the app and start again.' };

/** The authorization response: a 303 redirect, or a page that posts the form (response_mode=form_post). */
export function sendClientResponse(reply: FastifyReply, response: ClientResponse): FastifyReply {
  if (response.mode === 'form_post') return send(reply, 200, renderFormPostPage({ action: response.redirectUri, fields: response.params }), formPostCsp(response.redirectUri));
  return reply.code(303).header('Cache-Control', 'no-store').redirect(redirectUrl(response), 303);
}
