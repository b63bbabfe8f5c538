import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HttpDeps } from '../deps.js';
import { Params } from '../../oauth/params.js';
import { confirmLogout, startLogout, type LogoutOutcome } from '../../oauth/logout.js';
import { endpoints } from '../../oauth/context.js';
import { renderLoggedOutPage, renderLogoutPage } from '../../ui/index.js';
import { clearSessionCookie, readCookies, setBrowserCookie } from '../cookies.js';
import { EXPIRED, FORBIDDEN, sendErrorPage, sendPage } from '../pages.js';

function params(request: FastifyRequest): Params {
  if (request.method === 'POST') return request.body instanceof Params ? request.body : new Params();
  const url = request.raw.url ?? '';
  const q = url.indexOf('?');
  return Params.fromUrlEncoded(q < 0 ? '' : url.slice(q + 1));
}

/** RP-initiated logout: a confirmation page, then the session ends. */
export function logoutRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const p = deps.issuerPath;
  const render = (reply: FastifyReply, outcome: LogoutOutcome) => {
    switch (outcome.kind) {
      case 'error-page':
        return sendErrorPage(reply, deps, 400, 'This sign-out request cannot be completed', outcome.description, outcome.error);
      case 'confirm':
        setBrowserCookie(reply, deps.cookies, outcome.browserToken);
        return sendPage(
          reply,
          deps,
          200,
          renderLogoutPage({ branding: deps.branding, action: endpoints(deps.oauth.issuer()).endSession, csrfToken: outcome.csrf, interaction: outcome.interactionId, ...(outcome.clientName ? { clientName: outcome.clientName } : {}) }),
          outcome.redirectOrigin ? [outcome.redirectOrigin] : [],
        );
      case 'done':
        clearSessionCookie(reply, deps.cookies);
        if (outcome.redirect) return reply.code(303).header('Cache-Control', 'no-store').redirect(outcome.redirect, 303);
        return sendPage(reply, deps, 200, renderLoggedOutPage({ branding: deps.branding, ...(outcome.clientName ? { clientName: outcome.clientName } : {}) }));
    }
  };

  const start = async (request: FastifyRequest, reply: FastifyReply) => {
    const form = params(request);
    if (request.method === 'POST' && form.getAll('decision')[0] === 'logout') {
      const outcome = await confirmLogout(
        deps.oauth,
        { interactionId: form.getAll('interaction')[0], browserToken: readCookies(request).browser, csrf: form.getAll('csrf')[0] },
        readCookies(request).session,
      );
      if (outcome.kind === 'expired') return sendErrorPage(reply, deps, 400, EXPIRED.title, EXPIRED.message);
      if (outcome.kind === 'forbidden') return sendErrorPage(reply, deps, 403, FORBIDDEN.title, FORBIDDEN.message);
      return render(reply, outcome);
    }
    return render(reply, await startLogout(deps.oauth, form, readCookies(request)));
  };
  app.get(`${p}/logout`, start);
  app.post(`${p}/logout`, start);
}
