import type { FastifyInstance } from 'fastify';
import { Params } from '../oauth/params.js';
import { OAuthError } from '../oauth/errors.js';

/** Parses form-urlencoded bodies into Params (repeats kept, so they can be refused). */
export function registerFormParser(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Params.fromUrlEncoded(body as string));
  });
}

/** The form parameters of a request to a token-style endpoint; anything else is invalid_request. */
export function formParams(body: unknown): Params {
  if (body instanceof Params) return body;
  throw new OAuthError('invalid_request', 'send the parameters as an application/x-www-form-urlencoded body');
}
