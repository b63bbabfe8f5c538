/**
 * The back-channel logout endpoint (OpenID Connect Back-Channel Logout 1.0): Lanekeeper
 * POSTs `logout_token=<JWT>` here, server to server, when a browser session in which this
 * app got tokens ends. The app checks the token and signs out every session it names.
 * No cookie and no CSRF token: the signed logout token is the only credential.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { formBody } from '../context.js';
import { LogoutTokenError, type LogoutTokenVerifier } from '../logout-token.js';
import type { Notice, SessionStore } from '../session.js';

export interface BackchannelLogoutOptions {
  /** Where the endpoint is, the app's registered backchannel_logout_uri. */
  path: string;
  verifier: LogoutTokenVerifier;
  sessions: SessionStore;
  /** Shown on the next page of a session that was signed out this way. */
  notice?: Notice;
}

/** What the to-do app says on the next page after Lanekeeper signed a session out over the back channel. */
export const SIGNED_OUT_ELSEWHERE: Notice = {
  tone: 'error',
  title: 'You were signed out',
  text: 'Your session at Lanekeeper ended (you signed out in another app, or an administrator ended it), and Lanekeeper told this app over the back channel. The app forgot your tokens; sign in again to go on.',
};

function refuse(reply: FastifyReply, status: 400 | 503, error: string, description: string): FastifyReply {
  return reply.code(status).type('application/json').send({ error, error_description: description });
}

export function registerBackchannelLogout(app: FastifyInstance, options: BackchannelLogoutOptions): void {
  app.post(options.path, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const token = formBody(request).logout_token;
    if (typeof token !== 'string' || token === '') {
      return refuse(reply, 400, 'invalid_request', 'send the logout token as the form field logout_token');
    }
    let target;
    try {
      target = await options.verifier.verify(token);
    } catch (error) {
      if (error instanceof LogoutTokenError) return refuse(reply, 400, 'invalid_request', error.message);
      // The issuer's keys could not be fetched: Lanekeeper retries the delivery later.
      console.error('back-channel logout: could not check the logout token:', error);
      return refuse(reply, 503, 'temporarily_unavailable', 'the logout token could not be checked now; try again later');
    }
    options.sessions.signOutWhere(target, options.notice);
    return reply.code(200).send();
  });
}
