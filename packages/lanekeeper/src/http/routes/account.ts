import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HttpDeps } from '../deps.js';
import { Params } from '../../oauth/params.js';
import { endpoints } from '../../oauth/context.js';
import { loadSession } from '../../oauth/session.js';
import { accountCsrf, accountView, checkAccountCsrf, revokeAppAccess } from '../../oauth/account.js';
import { ACCOUNT_CLIENT_ID } from '../../clients/registry.js';
import { renderAccountPage } from '../../ui/index.js';
import { readCookies } from '../cookies.js';
import { FORBIDDEN, sendErrorPage, sendPage } from '../pages.js';

/** Where the account app's sign-in comes back to. */
export function accountCallbackUrl(issuer: string): string {
  return `${issuer}/account/callback`;
}

/**
 * The account page: the apps a person allowed, with "Remove access". Signing in to it goes
 * through /authorize like any first-party app, so SSO, max_age and throttling all apply.
 */
export function accountRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const p = deps.issuerPath;
  const issuer = () => deps.oauth.issuer();

  const signIn = (reply: FastifyReply) => {
    const url = new URL(endpoints(issuer()).authorization);
    const challenge = createHash('sha256').update(randomBytes(32)).digest('base64url');
    for (const [k, v] of Object.entries({ client_id: ACCOUNT_CLIENT_ID, redirect_uri: accountCallbackUrl(issuer()), response_type: 'code', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' })) url.searchParams.set(k, v);
    return reply.code(303).header('Cache-Control', 'no-store').redirect(url.toString(), 303);
  };

  const show = async (request: FastifyRequest, reply: FastifyReply, notice?: string) => {
    const cookie = readCookies(request).session;
    const live = await loadSession(deps.oauth, cookie);
    if (!live || !cookie) return signIn(reply);
    const view = await accountView(deps.oauth, live);
    return sendPage(
      reply,
      deps,
      200,
      renderAccountPage({ branding: deps.branding, ...view, revokeAction: `${issuer()}/account/revoke`, logoutUrl: endpoints(issuer()).endSession, csrfToken: accountCsrf(cookie), ...(notice ? { notice } : {}) }),
    );
  };

  app.get(`${p}/account`, (request, reply) => show(request, reply, /[?&]removed=1/.test(request.url) ? 'Access removed. That app can no longer use your account.' : undefined));
  // Signed in: the session cookie is set. The code is never redeemed; it expires in a minute.
  app.get(`${p}/account/callback`, async (request, reply) => {
    if (/[?&]error=/.test(request.url)) return sendErrorPage(reply, deps, 400, 'You are not signed in', 'Sign in to see your account.');
    return reply.code(303).header('Cache-Control', 'no-store').redirect(`${issuer()}/account`, 303);
  });
  app.post(`${p}/account/revoke`, async (request, reply) => {
    const form = request.body instanceof Params ? request.body : new Params();
    const cookie = readCookies(request).session;
    const live = await loadSession(deps.oauth, cookie);
    if (!live || !cookie) return signIn(reply);
    if (!checkAccountCsrf(cookie, form.getAll('csrf')[0])) return sendErrorPage(reply, deps, 403, FORBIDDEN.title, FORBIDDEN.message);
    const clientId = form.getAll('client_id')[0] ?? '';
    await revokeAppAccess(deps.oauth, live, clientId);
    return reply.code(303).header('Cache-Control', 'no-store').redirect(`${issuer()}/account?removed=1`, 303);
  });
}
