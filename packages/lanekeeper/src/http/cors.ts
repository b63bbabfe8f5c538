import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../store/index.js';
import { TtlCache } from '../util/ttl-cache.js';

export interface CorsOptions {
  /** Paths (under the issuer path) that answer CORS: token, revocation, userinfo, JWKS, discovery, registration. */
  paths: string[];
  extraOrigins: string[];
}

/** Origins of the redirect URIs of registered public clients (SPAs), refreshed every few seconds. */
class AllowedOrigins {
  private readonly cache = new TtlCache<'origins', Set<string>>(3000, 1);

  constructor(
    private readonly store: Store,
    private readonly extra: string[],
  ) {}

  async has(origin: string): Promise<boolean> {
    let origins = this.cache.get('origins');
    if (!origins) {
      origins = new Set(this.extra);
      for (const client of await this.store.clients.list()) {
        if (client.tokenEndpointAuthMethod !== 'none') continue;
        for (const uri of client.redirectUris) {
          try {
            const url = new URL(uri);
            if (url.protocol === 'https:' || url.protocol === 'http:') origins.add(url.origin);
          } catch {
            /* not a URL: no origin */
          }
        }
      }
      this.cache.set('origins', origins);
    }
    return origins.has(origin);
  }
}

/**
 * CORS for the endpoints a browser app calls directly. Only listed paths answer; the
 * authorization endpoint and the pages never do. No credentials: these endpoints need no cookies.
 */
export function registerCors(app: FastifyInstance, store: Store, options: CorsOptions): void {
  const allowed = new AllowedOrigins(store, options.extraOrigins);
  const paths = new Set(options.paths);
  const corsPath = (url: string) => paths.has(url.split('?')[0]!);

  const answer = async (request: FastifyRequest, reply: FastifyReply, origin: string) => {
    reply.header('Vary', 'Origin');
    if (!(await allowed.has(origin))) return;
    reply.header('Access-Control-Allow-Origin', origin);
    reply.header('Access-Control-Expose-Headers', 'WWW-Authenticate, DPoP-Nonce');
    if (request.method === 'OPTIONS') {
      reply.header('Access-Control-Allow-Methods', 'GET, POST');
      reply.header('Access-Control-Allow-Headers', 'Authorization, Content-Type, DPoP');
      reply.header('Access-Control-Max-Age', '600');
      return reply.code(204).send();
    }
  };
  // Requests without an Origin (servers, not browsers) pass without a promise.
  app.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin;
    if (!origin || !corsPath(request.url)) return done();
    answer(request, reply, origin).then(() => {
      if (!reply.sent) done();
    }, done);
  });
  for (const path of paths) app.options(path, async (_request, reply) => reply.code(204).send());
}
