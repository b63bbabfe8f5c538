/** Sign-in (authorization code + PKCE), the callback, and sign-out (RP-initiated logout). */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { AuthorizationResponseError } from 'openid-client';
import { checkCsrf, navFor, sendHtml, type AppContext } from '../context.js';
import { renderMessage } from '../pages/message.js';

export function registerAuthRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/login', async (request, reply) => {
    const session = ctx.sessions.load(request, reply);
    if (session.user) return reply.redirect('/', 303);
    const { url, pending } = await ctx.rp.start();
    session.pending = pending;
    return reply.redirect(url, 303);
  });

  app.get('/callback', async (request, reply) => {
    const session = ctx.sessions.peek(request);
    const pending = session?.pending;
    if (!session || !pending) {
      return sendHtml(
        reply,
        renderMessage({ nav: navFor(session, 'none'), title: 'This sign-in has expired', text: 'The app has no sign-in waiting for this answer (it may have been used already). Start again.', link: { href: '/login', label: 'Sign in again' } }),
        400,
      );
    }
    delete session.pending;
    try {
      // With DPoP on, this session's own key: the access token will be bound to it.
      const key = ctx.dpop ? await ctx.rp.newKey() : undefined;
      const user = await ctx.rp.finish(new URL(request.url, ctx.url), pending, key);
      const fresh = ctx.sessions.rotate(session, reply);
      fresh.user = user;
      return reply.redirect('/', 303);
    } catch (error) {
      if (error instanceof AuthorizationResponseError && error.error === 'access_denied') {
        session.notice = { tone: 'error', title: 'You did not allow the app', text: 'You chose Deny on Lanekeeper\'s consent page, so the app has no tokens and cannot see or change your calendar.' };
        return reply.redirect('/', 303);
      }
      const code = error instanceof AuthorizationResponseError ? error.error : (error as Error).message;
      return sendHtml(
        reply,
        renderMessage({ nav: navFor(session, 'none'), title: 'Sign-in failed', text: 'Lanekeeper\'s answer could not be accepted, so you are not signed in.', detail: code, link: { href: '/login', label: 'Try again' } }),
        400,
      );
    }
  });

  app.post('/logout', async (request, reply) => {
    const session = ctx.sessions.peek(request);
    if (!checkCsrf(request, reply, session, navFor(session, 'none'))) return reply;
    const idToken = session.user?.idToken;
    const fresh = ctx.sessions.replace(session, reply);
    if (!idToken) return reply.redirect('/', 303);
    fresh.logoutState = randomBytes(16).toString('base64url');
    return reply.redirect(ctx.rp.logoutUrl(idToken, fresh.logoutState), 303);
  });

  app.get<{ Querystring: { state?: string } }>('/signed-out', async (request, reply) => {
    const session = ctx.sessions.load(request, reply);
    const fromLanekeeper = Boolean(session.logoutState) && request.query.state === session.logoutState;
    delete session.logoutState;
    return sendHtml(
      reply,
      renderMessage({
        nav: navFor(session, 'none'),
        title: 'You are signed out',
        text: fromLanekeeper
          ? 'The app forgot your tokens, and Lanekeeper ended your session there too: the next sign-in asks for your password again.'
          : 'The app forgot your tokens.',
        link: { href: '/', label: 'Back to the start' },
      }),
    );
  });
}
