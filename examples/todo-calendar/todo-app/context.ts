/** What the to-do app's routes share, and small helpers for answering with pages. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CalendarClient } from './calendar-client.js';
import type { RelyingParty } from './oidc.js';
import type { Nav } from './pages/layout.js';
import { renderMessage } from './pages/message.js';
import { csrfMatches, type Session, type SessionStore } from './session.js';
import type { TodoBook } from './todos.js';
import type { TokenKeeper } from './tokens.js';

export interface AppContext {
  /** The app's own URL, e.g. http://127.0.0.1:4000 */
  url: string;
  clientId: string;
  issuer: string;
  apiUrl: string;
  sessions: SessionStore;
  rp: RelyingParty;
  keeper: TokenKeeper;
  calendar: CalendarClient;
  todos: TodoBook;
  /** Seconds before expiry at which the access token is refreshed. */
  refreshMargin: number;
  /** Whether each session gets a DPoP key, and its access tokens are bound to it. */
  dpop: boolean;
}

export function navFor(session: Session | undefined, current: 'home' | 'lanes' | 'none'): Nav {
  const signedIn = Boolean(session?.user);
  return {
    appName: 'To-do app',
    mark: '✓',
    home: '/',
    links: signedIn
      ? [
          { href: '/', label: 'To-dos', current: current === 'home' },
          { href: '/lanes', label: 'Token lanes', current: current === 'lanes' },
        ]
      : [{ href: '/portal', label: 'Team portal' }],
    ...(signedIn && session ? { signOut: { action: '/logout', csrf: session.csrf } } : {}),
  };
}

export function sendHtml(reply: FastifyReply, html: string, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(html);
}

export function formBody(request: FastifyRequest): Record<string, unknown> {
  return typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>) : {};
}

/** True when the POSTed form carries the session's CSRF token; otherwise answers 403 and returns false. */
export function checkCsrf(request: FastifyRequest, reply: FastifyReply, session: Session | undefined, nav: Nav): session is Session {
  if (session && csrfMatches(session, formBody(request).csrf)) return true;
  sendHtml(
    reply,
    renderMessage({
      nav,
      title: 'That form has expired',
      text: 'The form was sent without the token that proves it came from this app (or your session ended). Go back, reload the page, and try again.',
      link: { href: '/', label: 'Back to the app' },
    }),
    403,
  );
  return false;
}
