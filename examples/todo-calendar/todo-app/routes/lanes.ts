/**
 * The token-lanes page, and its experiment: send the ID token, the access token (with its
 * DPoP proof when bound), or the access token alone, as a copy of it would be replayed.
 */
import type { FastifyInstance } from 'fastify';
import type { ApiCall } from '../calendar-client.js';
import { checkCsrf, formBody, navFor, sendHtml, type AppContext } from '../context.js';
import { explainCall } from '../explain.js';
import { renderLanes } from '../pages/lanes.js';
import type { ProbeKind } from '../session.js';
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
        ...(user.dpop ? { appKeyJkt: user.dpop.jkt } : {}),
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
    const sent = formBody(request).token;
    const which: ProbeKind = sent === 'id' ? 'id' : sent === 'replay' ? 'replay' : 'access';
    let call: ApiCall;
    try {
      if (which === 'id') {
        // The ID token goes out as is: this is the mistake the page demonstrates.
        call = await ctx.calendar.probe({ token: user.idToken });
      } else if (which === 'replay') {
        // The access token with no proof, as anyone who copied it would send it.
        call = await ctx.calendar.probe({ token: await ctx.keeper.accessToken(session) });
      } else {
        call = await ctx.keeper.withAccessToken(session, (credential) => ctx.calendar.probe(credential));
      }
    } catch (error) {
      if (error instanceof SignInAgain) return signInAgain(session, reply, error);
      throw error;
    }
    session.probe = { token: which, call };
    return reply.redirect('/lanes#result', 303);
  });
}
