import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HttpDeps } from '../deps.js';
import { Params } from '../../oauth/params.js';
import { authorize } from '../../oauth/authorize.js';
import { consentView } from '../../oauth/consent-view.js';
import { loadInteraction, submitConsent, submitLogin, type StepOutcome } from '../../oauth/interaction.js';
import { endpoints } from '../../oauth/context.js';
import { nowSeconds } from '../../store/index.js';
import { renderConsentPage, renderLoginPage } from '../../ui/index.js';
import { readCookies, setBrowserCookie, setSessionCookie } from '../cookies.js';
import { EXPIRED, FORBIDDEN, sendClientResponse, sendErrorPage, sendPage } from '../pages.js';

function queryParams(request: FastifyRequest): Params {
  const url = request.raw.url ?? '';
  const q = url.indexOf('?');
  return Params.fromUrlEncoded(q < 0 ? '' : url.slice(q + 1));
}

function bodyParams(request: FastifyRequest): Params {
  return request.body instanceof Params ? request.body : new Params();
}

/** The authorization endpoint and the login and consent steps it leads to. */
export function authorizeRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const p = deps.issuerPath;
  const urls = () => endpoints(deps.oauth.issuer());

  const handleAuthorize = async (request: FastifyRequest, reply: FastifyReply, params: Params) => {
    // A URL client_id may make the server fetch a document: limit how often one address can cause that.
    if (/^https:\/\//.test(params.getAll('client_id')[0] ?? '')) {
      const count = await deps.oauth.store.rateLimits.hit(`cimd:ip:${request.ip}`, nowSeconds(), 60);
      if (count > deps.cimdRateLimitPerIp) {
        reply.header('Retry-After', '60');
        return sendErrorPage(reply, deps, 429, 'Too many sign-in requests', 'Wait a minute, then try again.', 'temporarily_unavailable');
      }
    }
    const outcome = await authorize(deps.oauth, params, readCookies(request));
    switch (outcome.kind) {
      case 'error-page':
        return sendErrorPage(reply, deps, outcome.status, 'This sign-in request cannot be completed', outcome.description, outcome.error);
      case 'respond':
        return sendClientResponse(reply, outcome.response);
      case 'interact': {
        setBrowserCookie(reply, deps.cookies, outcome.browserToken);
        const next = outcome.step === 'login' ? urls().login : urls().consent;
        return reply.code(303).header('Cache-Control', 'no-store').redirect(`${next}?interaction=${encodeURIComponent(outcome.interactionId)}`, 303);
      }
    }
  };
  app.get(`${p}/authorize`, (request, reply) => handleAuthorize(request, reply, queryParams(request)));
  app.post(`${p}/authorize`, (request, reply) => handleAuthorize(request, reply, bodyParams(request)));

  const afterStep = (reply: FastifyReply, outcome: StepOutcome, loginForm?: { interaction: string; csrf: string; clientName: string; redirectUri: string }) => {
    switch (outcome.kind) {
      case 'expired':
        return sendErrorPage(reply, deps, 400, EXPIRED.title, EXPIRED.message);
      case 'forbidden':
        return sendErrorPage(reply, deps, 403, FORBIDDEN.title, FORBIDDEN.message);
      case 'login-error':
        if (outcome.retryAfter) reply.header('Retry-After', String(outcome.retryAfter));
        return sendPage(
          reply,
          deps,
          outcome.retryAfter ? 429 : 401,
          renderLoginPage({ branding: deps.branding, action: urls().login, csrfToken: loginForm!.csrf, interaction: loginForm!.interaction, clientName: loginForm!.clientName, email: outcome.email, error: outcome.message }),
          [loginForm!.redirectUri],
        );
      case 'consent':
        if (outcome.sessionCookie) setSessionCookie(reply, deps.cookies, outcome.sessionCookie);
        return reply.code(303).header('Cache-Control', 'no-store').redirect(`${urls().consent}?interaction=${encodeURIComponent(outcome.interactionId)}`, 303);
      case 'respond':
        if (outcome.sessionCookie) setSessionCookie(reply, deps.cookies, outcome.sessionCookie);
        return sendClientResponse(reply.code(303), outcome.response);
    }
  };

  app.get(`${p}/login`, async (request, reply) => {
    const id = queryParams(request).getAll('interaction')[0];
    const active = await loadInteraction(deps.oauth, id, readCookies(request).browser);
    if (!active) return sendErrorPage(reply, deps, 400, EXPIRED.title, EXPIRED.message);
    const clientName = active.client.clientName ?? active.client.clientId;
    return sendPage(
      reply,
      deps,
      200,
      renderLoginPage({ branding: deps.branding, action: urls().login, csrfToken: active.row.csrf, interaction: active.row.id, clientName, ...(active.request.loginHint ? { email: active.request.loginHint } : {}) }),
      [active.request.redirectUri],
    );
  });

  app.post(`${p}/login`, async (request, reply) => {
    const form = bodyParams(request);
    const interactionId = form.getAll('interaction')[0];
    const browser = readCookies(request).browser;
    const outcome = await submitLogin(deps.oauth, {
      interactionId,
      browserToken: browser,
      csrf: form.getAll('csrf')[0],
      email: form.getAll('email')[0] ?? '',
      password: form.getAll('password')[0] ?? '',
      ip: request.ip,
    });
    let loginForm;
    if (outcome.kind === 'login-error') {
      const active = await loadInteraction(deps.oauth, interactionId, browser);
      if (!active) return sendErrorPage(reply, deps, 400, EXPIRED.title, EXPIRED.message);
      loginForm = { interaction: active.row.id, csrf: active.row.csrf, clientName: active.client.clientName ?? active.client.clientId, redirectUri: active.request.redirectUri };
    }
    return afterStep(reply, outcome, loginForm);
  });

  app.get(`${p}/consent`, async (request, reply) => {
    const id = queryParams(request).getAll('interaction')[0];
    const active = await loadInteraction(deps.oauth, id, readCookies(request).browser);
    const view = active && (await consentView(deps.oauth, active));
    if (!active || !view) return sendErrorPage(reply, deps, 400, EXPIRED.title, EXPIRED.message);
    return sendPage(reply, deps, 200, renderConsentPage({ branding: deps.branding, action: urls().consent, csrfToken: active.row.csrf, interaction: active.row.id, ...view }), [active.request.redirectUri]);
  });

  app.post(`${p}/consent`, async (request, reply) => {
    const form = bodyParams(request);
    const outcome = await submitConsent(deps.oauth, {
      interactionId: form.getAll('interaction')[0],
      browserToken: readCookies(request).browser,
      csrf: form.getAll('csrf')[0],
      decision: form.getAll('decision')[0],
    });
    return afterStep(reply, outcome);
  });
}
