/**
 * The to-do app: a confidential, server-side web app. It signs people in with Lanekeeper
 * (openid-client), greets them from the validated ID token, and adds their to-dos to the
 * calendar API with the access token, which it refreshes before it expires. Tokens stay
 * on the server; the browser gets a session cookie. With DPoP on, each session has its own
 * key and its access tokens are bound to it. Lanekeeper signs sessions out over the back
 * channel (POST /backchannel-logout).
 *
 * The same server hosts the first-party team portal at /portal (see team-portal/).
 */
import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import { createRemoteJWKSet } from 'jose';
import { SCOPES } from '../config.js';
import { closeServer, onBoundServer, type BoundSocket } from '../loopback.js';
import { registerPortal } from '../team-portal/routes.js';
import { registerAssets } from './assets.js';
import { CalendarClient } from './calendar-client.js';
import { navFor, sendHtml, type AppContext } from './context.js';
import { JtiMemory } from './jti-memory.js';
import { LogoutTokenVerifier } from './logout-token.js';
import { RelyingParty } from './oidc.js';
import { renderMessage } from './pages/message.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerBackchannelLogout, SIGNED_OUT_ELSEWHERE } from './routes/backchannel.js';
import { registerLanesRoutes } from './routes/lanes.js';
import { registerTodoRoutes } from './routes/todos.js';
import { securityHeaders } from './security.js';
import { SessionStore } from './session.js';
import { TodoBook } from './todos.js';
import { TokenKeeper } from './tokens.js';

export interface TodoAppOptions {
  socket: BoundSocket;
  issuer: string;
  /** The calendar API's URL, which is also its identifier (`resource`). */
  apiUrl: string;
  client: { id: string; secret: string };
  portalClient: { id: string; secret: string };
  /** Refresh the access token this many seconds before it expires. Default 30. */
  refreshMargin?: number;
  /** Bind the access tokens to a DPoP key per session (RFC 9449). Default true. */
  dpop?: boolean;
}

export interface RunningTodoApp {
  url: string;
  portalUrl: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** What the to-do app asks for: who you are, to stay signed in, and both calendar scopes. */
export const TODO_APP_SCOPE = `openid profile email offline_access ${SCOPES.read} ${SCOPES.write}`;

export async function startTodoApp(options: TodoAppOptions): Promise<RunningTodoApp> {
  const url = options.socket.origin;
  const refreshMargin = options.refreshMargin ?? 30;
  const rp = await RelyingParty.discover({
    issuer: options.issuer,
    clientId: options.client.id,
    clientSecret: options.client.secret,
    redirectUri: `${url}/callback`,
    postLogoutRedirectUri: `${url}/signed-out`,
    scope: TODO_APP_SCOPE,
    resource: options.apiUrl,
  });
  const portalRp = await RelyingParty.discover({
    issuer: options.issuer,
    clientId: options.portalClient.id,
    clientSecret: options.portalClient.secret,
    redirectUri: `${url}/portal/callback`,
    postLogoutRedirectUri: `${url}/portal/signed-out`,
    scope: 'openid profile',
  });
  // Both apps of this server check logout tokens against the same issuer keys, and share one memory of used jtis.
  const issuerKeys = createRemoteJWKSet(rp.jwksUri);
  const usedLogoutTokens = new JtiMemory();

  const ctx: AppContext = {
    url,
    clientId: options.client.id,
    issuer: options.issuer,
    apiUrl: options.apiUrl,
    sessions: new SessionStore({ cookieName: 'todo_session' }),
    rp,
    keeper: new TokenKeeper(rp, refreshMargin),
    calendar: new CalendarClient(options.apiUrl, (...args) => rp.fetchWithProof(...args)),
    todos: new TodoBook(),
    refreshMargin,
    dpop: options.dpop ?? true,
  };

  const app = Fastify({ logger: false, bodyLimit: 16 * 1024, serverFactory: onBoundServer(options.socket.server) });
  await app.register(cookie);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.addHook('onRequest', securityHeaders(new URL(options.issuer).origin));

  registerAssets(app);
  registerAuthRoutes(app, ctx);
  registerTodoRoutes(app, ctx);
  registerLanesRoutes(app, ctx);
  registerBackchannelLogout(app, {
    path: '/backchannel-logout',
    verifier: new LogoutTokenVerifier({ issuer: options.issuer, clientId: options.client.id, jwks: issuerKeys, replay: usedLogoutTokens }),
    sessions: ctx.sessions,
    notice: SIGNED_OUT_ELSEWHERE,
  });
  registerPortal(app, {
    url,
    rp: portalRp,
    logoutTokens: new LogoutTokenVerifier({ issuer: options.issuer, clientId: options.portalClient.id, jwks: issuerKeys, replay: usedLogoutTokens }),
  });

  app.setNotFoundHandler((request, reply) =>
    sendHtml(reply, renderMessage({ nav: navFor(ctx.sessions.peek(request), 'none'), title: 'Page not found', text: 'There is no page at this address.', link: { href: '/', label: 'Back to the app' } }), 404),
  );
  app.setErrorHandler((error: { statusCode?: number; message?: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) console.error('todo-app:', error);
    return sendHtml(
      reply,
      renderMessage({
        nav: navFor(ctx.sessions.peek(request), 'none'),
        title: status === 500 ? 'Something went wrong' : 'That request was not understood',
        text: status === 500 ? 'The app hit an error. Try again; if it keeps happening, look at the terminal running the demo.' : 'The app could not read what was sent.',
        link: { href: '/', label: 'Back to the app' },
      }),
      status,
    );
  });

  await app.ready();
  return {
    url,
    portalUrl: `${url}/portal`,
    app,
    async close() {
      await app.close();
      await closeServer(options.socket.server);
    },
  };
}
