import type { FastifyInstance, FastifyError } from 'fastify';
import { OAuthError } from '../oauth/errors.js';

/** Maps every error to an RFC 6749 JSON body with `Cache-Control: no-store`; never a crash. */
export function registerErrorHandling(app: FastifyInstance, onRefusal?: (endpoint: string, error: string, reason: string) => void): void {
  app.setErrorHandler((err: FastifyError | OAuthError, request, reply) => {
    reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
    if (err instanceof OAuthError) {
      onRefusal?.(request.routeOptions.url ?? 'unmatched', err.error, err.reason);
      for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
      return reply.code(err.status).send(err.toJSON());
    }
    const status = (err as FastifyError).statusCode ?? 500;
    const code = (err as FastifyError).code;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || status === 413) {
      return reply.code(413).send({ error: 'invalid_request', error_description: 'request body is too large (64 KiB at most)' });
    }
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || status === 415) {
      return reply.code(400).send({ error: 'invalid_request', error_description: 'unsupported content type' });
    }
    if (status >= 400 && status < 500) {
      const description = code?.startsWith('FST_ERR_CTP') || err instanceof SyntaxError ? 'malformed request body' : 'malformed request';
      return reply.code(status === 404 ? 404 : 400).send({ error: 'invalid_request', error_description: description });
    }
    request.log.error({ err }, 'unexpected error');
    return reply.code(500).send({ error: 'server_error', error_description: 'the server could not complete the request' });
  });
  app.setNotFoundHandler((_request, reply) => {
    reply.code(404).header('Cache-Control', 'no-store').send({ error: 'not_found', error_description: 'no such endpoint' });
  });
}
