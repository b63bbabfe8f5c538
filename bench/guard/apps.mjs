// The routes the guard benchmark compares, one per process (see server.mjs). Every route
// answers GET /calendar with the same small JSON body; the protected ones take `sub` from
// the verified token.
import { createPublicKey, verify } from 'node:crypto';
import express from 'express';
import Fastify from 'fastify';
import { auth, requiredScopes } from 'express-oauth2-jwt-bearer';
import { createGuard } from '@lanekeeper/guard';
import { fastifyGuard, fastifyGuardPlugin, withGuard } from '@lanekeeper/guard/fastify';
import { authOf, expressGuard } from '@lanekeeper/guard/express';
import { AUDIENCE, ISSUER, SCOPE } from './fixture.mjs';

/**
 * The unavoidable work of a JWT check, and nothing else: take the bearer token, verify its
 * signature with node:crypto on a key imported once, parse the payload.
 * @param {{ alg: string, publicJwk: object }} config
 * @returns {(authorization: string | undefined) => { sub: string } | undefined}
 */
export function rawVerifier({ alg, publicJwk }) {
  const key = createPublicKey({ key: publicJwk, format: 'jwk' });
  const input = alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key;
  return (authorization) => {
    if (authorization === undefined || !authorization.startsWith('Bearer ')) return undefined;
    const token = authorization.slice(7);
    const dot = token.lastIndexOf('.');
    if (!verify('sha256', Buffer.from(token.slice(0, dot)), input, Buffer.from(token.slice(dot + 1), 'base64url'))) return undefined;
    const payload = JSON.parse(Buffer.from(token.slice(token.indexOf('.') + 1, dot), 'base64url').toString());
    return { sub: payload.sub };
  };
}

/** The guard as an API would configure it (default algorithms and options), the verified-token cache on or off. */
const guardFor = (config, cache) =>
  createGuard({ issuer: ISSUER, audience: AUDIENCE, jwksUri: config.jwksUri, ...(cache ? {} : { cache: false }) });

function fastifyApp() {
  return Fastify({ logger: false });
}

function expressApp() {
  const app = express();
  app.disable('x-powered-by');
  return app;
}

/** @type {Record<string, (config: { alg: string, publicJwk: object, jwksUri: string }) => Promise<{ listen(): Promise<number> }>>} */
export const apps = {
  async 'fastify-unprotected'() {
    const app = fastifyApp();
    app.get('/calendar', async () => ({ sub: 'anonymous' }));
    return listenFastify(app);
  },
  async 'fastify-raw-verify'(config) {
    const check = rawVerifier(config);
    const app = fastifyApp();
    app.get('/calendar', async (request, reply) => check(request.headers.authorization) ?? reply.code(401).send({ error: 'invalid_token' }));
    return listenFastify(app);
  },
  async 'fastify-guard'(config) {
    return fastifyWithGuard(guardFor(config, false));
  },
  async 'fastify-guard-handler'(config) {
    const guard = guardFor(config, false);
    await guard.ready();
    const app = fastifyApp();
    await app.register(fastifyGuardPlugin);
    app.get('/calendar', withGuard(guard, async (_request, _reply, auth) => ({ sub: auth.sub }), { scopes: [SCOPE] }));
    return listenFastify(app);
  },
  async 'fastify-guard-cached'(config) {
    return fastifyWithGuard(guardFor(config, true));
  },
  async 'express-unprotected'() {
    const app = expressApp();
    app.get('/calendar', (_req, res) => void res.json({ sub: 'anonymous' }));
    return listenNode(app);
  },
  async 'express-raw-verify'(config) {
    const check = rawVerifier(config);
    const app = expressApp();
    app.get('/calendar', (req, res) => {
      const principal = check(req.headers.authorization);
      if (principal) res.json(principal);
      else res.status(401).json({ error: 'invalid_token' });
    });
    return listenNode(app);
  },
  async 'express-guard'(config) {
    const guard = guardFor(config, false);
    await guard.ready();
    const app = expressApp();
    app.get('/calendar', expressGuard(guard, { scopes: [SCOPE] }), (req, res) => void res.json({ sub: authOf(req).sub }));
    return listenNode(app);
  },
  async 'express-oauth2-jwt-bearer'(config) {
    const app = expressApp();
    const check = auth({ issuer: ISSUER, jwksUri: config.jwksUri, audience: AUDIENCE, tokenSigningAlg: config.alg });
    app.get('/calendar', check, requiredScopes(SCOPE), (req, res) => void res.json({ sub: req.auth.payload.sub }));
    return listenNode(app);
  },
};

async function fastifyWithGuard(guard) {
  await guard.ready();
  const app = fastifyApp();
  await app.register(fastifyGuardPlugin);
  app.get('/calendar', { preHandler: fastifyGuard(guard, { scopes: [SCOPE] }) }, async (request) => ({ sub: request.auth.sub }));
  return listenFastify(app);
}

function listenFastify(app) {
  return {
    async listen() {
      await app.listen({ host: '127.0.0.1', port: 0 });
      return app.server.address().port;
    },
  };
}

function listenNode(app) {
  // Answer errors (express-oauth2-jwt-bearer's refusals) quietly, with their status.
  app.use((error, _req, res, _next) => void res.status(error.status ?? 500).set(error.headers ?? {}).json({ error: error.code ?? 'server_error' }));
  return {
    listen: () =>
      new Promise((resolve, reject) => {
        const server = app.listen(0, '127.0.0.1', (error) => (error ? reject(error) : resolve(server.address().port)));
      }),
  };
}
