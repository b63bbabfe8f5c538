/**
 * The team portal: a second, first-party app (client `team-portal`), mounted at /portal on
 * the to-do app's server. It signs in with openid and profile only; Lanekeeper shows it no
 * consent screen. It keeps its own session, under its own cookie.
 *
 * It can leave quietly (its own session only) or sign out everywhere: RP-initiated logout
 * at Lanekeeper, which then tells every app signed in with that Lanekeeper session (the
 * to-do app too) over the back channel. It receives those notices itself at
 * /portal/backchannel-logout.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sendHtml, formBody } from '../todo-app/context.js';
import type { LogoutTokenVerifier } from '../todo-app/logout-token.js';
import type { RelyingParty } from '../todo-app/oidc.js';
import type { Nav } from '../todo-app/pages/layout.js';
import { stringClaim } from '../todo-app/pages/format.js';
import { renderMessage } from '../todo-app/pages/message.js';
import { registerBackchannelLogout } from '../todo-app/routes/backchannel.js';
import { csrfMatches, SessionStore } from '../todo-app/session.js';
import { renderPortal } from './page.js';

export interface PortalOptions {
  /** The server's URL (the portal lives under /portal). */
  url: string;
  rp: RelyingParty;
  /** Checks the logout tokens Lanekeeper sends the portal (aud = team-portal). */
  logoutTokens: LogoutTokenVerifier;
}

const nav: Nav = {
  appName: 'Team portal',
  mark: 'P',
  home: '/portal',
  links: [
    { href: '/portal', label: 'Portal', current: true },
    { href: '/', label: 'To-do app' },
  ],
};

export function registerPortal(app: FastifyInstance, { url, rp, logoutTokens }: PortalOptions): void {
  const sessions = new SessionStore({ cookieName: 'portal_session', cookiePath: '/portal' });

  app.get('/portal', async (request, reply) => {
    const session = sessions.load(request, reply);
    const claims = session.user?.claims;
    const notice = session.notice;
    delete session.notice;
    return sendHtml(
      reply,
      renderPortal({
        nav,
        csrf: session.csrf,
        ...(notice ? { notice } : {}),
        ...(claims ? { user: { name: stringClaim(claims, 'name') ?? String(claims.sub), sub: String(claims.sub), aud: String(claims.aud) } } : {}),
      }),
    );
  });

  app.get('/portal/login', async (request, reply) => {
    const session = sessions.load(request, reply);
    const { url: target, pending } = await rp.start();
    session.pending = pending;
    return reply.redirect(target, 303);
  });

  app.get('/portal/callback', async (request, reply) => {
    const session = sessions.peek(request);
    const pending = session?.pending;
    if (!session || !pending) return reply.redirect('/portal', 303);
    delete session.pending;
    try {
      const user = await rp.finish(new URL(request.url, url), pending);
      sessions.rotate(session, reply).user = user;
      return reply.redirect('/portal', 303);
    } catch (error) {
      return sendHtml(
        reply,
        renderMessage({ nav, title: 'Sign-in failed', text: 'Lanekeeper\'s answer could not be accepted.', detail: (error as Error).message, link: { href: '/portal', label: 'Back to the portal' } }),
        400,
      );
    }
  });

  /** Leaves the portal only; the Lanekeeper session (and the to-do app) stay signed in. */
  app.post('/portal/logout', async (request, reply) => {
    const session = sessions.peek(request);
    if (session && csrfMatches(session, formBody(request).csrf)) sessions.replace(session, reply);
    return reply.redirect('/portal', 303);
  });

  /** Signs out everywhere: forgets the portal's tokens and sends the browser to Lanekeeper's logout page. */
  app.post('/portal/signout', async (request, reply) => {
    const session = sessions.peek(request);
    if (!session || !csrfMatches(session, formBody(request).csrf)) return reply.redirect('/portal', 303);
    const idToken = session.user?.idToken;
    const fresh = sessions.replace(session, reply);
    if (!idToken) return reply.redirect('/portal', 303);
    fresh.logoutState = randomBytes(16).toString('base64url');
    return reply.redirect(rp.logoutUrl(idToken, fresh.logoutState), 303);
  });

  app.get<{ Querystring: { state?: string } }>('/portal/signed-out', async (request, reply) => {
    const session = sessions.load(request, reply);
    const fromLanekeeper = Boolean(session.logoutState) && request.query.state === session.logoutState;
    delete session.logoutState;
    session.notice = fromLanekeeper
      ? { tone: 'ok', title: 'Signed out everywhere', text: 'Lanekeeper ended your session, and told every app you had signed in to with it (the to-do app too) over the back channel: they have signed you out as well.' }
      : { tone: 'ok', title: 'Signed out of the portal', text: 'The portal forgot your tokens.' };
    return reply.redirect('/portal', 303);
  });

  registerBackchannelLogout(app, {
    path: '/portal/backchannel-logout',
    verifier: logoutTokens,
    sessions,
    notice: { tone: 'error', title: 'You were signed out', text: 'Your session at Lanekeeper ended, and Lanekeeper told the portal over the back channel.' },
  });
}
