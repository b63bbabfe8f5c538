/** The token-lanes page, and its experiment: send either token to the calendar API. */
import type { FastifyInstance } from 'fastify';
import type { ApiCall } from '../calendar-client.js';
import { checkCsrf, formBody, navFor, sendHtml, type AppContext } from '../context.js';
import { explainCall } from '../explain.js';
import { renderLanes } from '../pages/lanes.js';
import { SignInAgain } from '../tokens.js';
import { signInAgain } from './todos.js';

export function registerLanesRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/lanes', async (request, reply) => {
    const session = ctx.sessions.load(request, reply);
    if (!session.user) return reply.redirect('/', 303);
    try {
      // Show the access token the app would send now, refreshed if it was due.
      await ctx.keeper.accessToken(session);
    } catch (error) {
      if (error instanceof SignInAgain) return signInAgain(session, reply, error);
      throw error;
    }
    const user = session.user;
    if (!user) return reply.redirect('/', 303);
    const probe = session.probe;
    delete session.probe;
    return sendHtml(
      reply,
      renderLanes({
        nav: navFor(session, 'lanes'),
        csrf: session.csrf,
        idToken: user.idToken,
        accessToken: user.accessToken,
        hasRefreshToken: Boolean(user.refreshToken),
        accessTokenExpiresAt: user.accessTokenExpiresAt,
        refreshes: user.refreshes,
        refreshMargin: ctx.refreshMargin,
        ctx: { clientId: ctx.clientId, apiUrl: ctx.apiUrl, issuer: ctx.issuer },
        ...(probe ? { probe, explanation: explainCall(probe.call, probe.token) } : {}),
      }),
    );
  });

  app.post('/lanes/send', async (request, reply) => {
    const session = ctx.sessions.peek(request);
    if (!checkCsrf(request, reply, session, navFor(session, 'none'))) return reply;
    const user = session.user;
    if (!user) return reply.redirect('/', 303);
    const which = formBody(request).token === 'id' ? 'id' : 'access';
    let call: ApiCall;
    try {
      // The ID token goes out as is: this is the mistake the page demonstrates.
      call = which === 'id' ? await ctx.calendar.probe(user.idToken) : await ctx.keeper.withAccessToken(session, (token) => ctx.calendar.probe(token));
    } catch (error) {
      if (error instanceof SignInAgain) return signInAgain(session, reply, error);
      throw error;
    }
    session.probe = { token: which, call };
    return reply.redirect('/lanes#result', 303);
  });
}
