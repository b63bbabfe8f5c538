// Real tokens from a running Lanekeeper server, and forgeries made from them, through every
// adapter over real HTTP: the one valid access token passes; everything else is refused
// with its status, error code and the description that explains it.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { createGuard, protectedResourceMetadata } from '../src/index.js';
import { messages } from '../src/lanes/index.js';
import { adapters, assertAnswer } from './helpers/adapters.js';
import { tamper } from './helpers/issuer.js';
import {
  aliceTokens, CALENDAR, expiredCopy, hs256WithPublicKey, machineToken, REPORTS, startLanekeeper, strangerCopy, unsignedCopy, type TestServer,
} from './helpers/lanekeeper.js';
import { listen, type Listening } from './helpers/serve.js';

/** Every token the cases send, obtained once from the server. */
interface Tokens {
  access: string;
  machine: string;
  id: string;
  reports: string;
  expired: string;
  unsigned: string;
  hs256: string;
  stranger: string;
  tampered: string;
}

interface Case {
  name: string;
  path?: string;
  send: (t: Tokens) => { token?: string; query?: string };
  status: number;
  error?: string;
  description?: string;
  body?: (body: Record<string, unknown>, t: Tokens) => void;
}

const cases: Case[] = [
  {
    name: 'accepts a Lanekeeper access token from the code flow',
    send: (t) => ({ token: t.access }),
    status: 200,
    body: (body, t) => assert.deepEqual(body, { sub: decodeJwt(t.access).sub, jkt: null }),
  },
  {
    name: 'accepts a Lanekeeper client-credentials access token',
    send: (t) => ({ token: t.machine }),
    status: 200,
    body: (body) => assert.deepEqual(body, { sub: 'sync-job', jkt: null }),
  },
  {
    name: 'refuses the ID token issued beside it, saying it is an ID token',
    send: (t) => ({ token: t.id }),
    status: 401,
    error: 'invalid_token',
    description: messages.idToken,
  },
  {
    name: 'refuses an access token for another API, naming both audiences',
    send: (t) => ({ token: t.reports }),
    status: 401,
    error: 'invalid_token',
    description: messages.audienceMismatch(REPORTS, CALENDAR),
  },
  {
    name: 'refuses an expired access token signed by the server key',
    send: (t) => ({ token: t.expired }),
    status: 401,
    error: 'invalid_token',
    description: messages.expired,
  },
  {
    name: 'refuses the access token re-sent with alg none',
    send: (t) => ({ token: t.unsigned }),
    status: 401,
    error: 'invalid_token',
    description: messages.algNone,
  },
  {
    name: "refuses the access token re-signed with HS256 using the issuer's public key as the secret",
    send: (t) => ({ token: t.hs256 }),
    status: 401,
    error: 'invalid_token',
    description: messages.algSymmetric('HS256'),
  },
  {
    name: 'refuses the claims signed by another key under a kid the issuer never published',
    send: (t) => ({ token: t.stranger }),
    status: 401,
    error: 'invalid_token',
    description: messages.unknownKid,
  },
  {
    name: 'refuses the access token with its payload altered',
    send: (t) => ({ token: t.tampered }),
    status: 401,
    error: 'invalid_token',
    description: messages.badSignature,
  },
  {
    name: 'refuses the access token in the query string, telling to use the Authorization header',
    send: (t) => ({ query: `access_token=${t.access}` }),
    status: 401,
    error: 'invalid_request',
    description: messages.tokenInQuery,
  },
  {
    name: 'refuses the access token on a route needing a scope it was not granted',
    path: '/admin',
    send: (t) => ({ token: t.access }),
    status: 403,
    error: 'insufficient_scope',
    description: 'this API needs scope admin',
  },
];

describe('real Lanekeeper tokens through every adapter', () => {
  let server: TestServer;
  const tokens = {} as Tokens;

  before(async () => {
    server = await startLanekeeper();
    const { accessToken, idToken } = await aliceTokens(server);
    Object.assign(tokens, {
      access: accessToken,
      id: idToken,
      machine: await machineToken(server, CALENDAR),
      reports: await machineToken(server, REPORTS),
      expired: await expiredCopy(server, accessToken),
      unsigned: unsignedCopy(accessToken),
      hs256: await hs256WithPublicKey(server, accessToken),
      stranger: await strangerCopy(accessToken),
      tampered: tamper(accessToken, (claims) => {
        claims['scope'] = 'read:calendar write:calendar admin:calendar';
      }),
    } satisfies Tokens);
  });
  after(() => server.stop());

  for (const adapter of adapters) {
    describe(`${adapter.name} adapter`, () => {
      let api: Listening;
      before(async () => {
        api = await listen();
        const guard = createGuard({ issuer: server.issuer, audience: CALENDAR });
        await guard.ready();
        await adapter.build(guard, protectedResourceMetadata({ resource: CALENDAR, authorizationServers: [server.issuer] }), api);
      });
      after(() => api.close());

      for (const c of cases) {
        test(c.name, async () => {
          const { token, query } = c.send(tokens);
          const response = await fetch(`${api.origin}${c.path ?? '/calendar'}${query ? `?${query}` : ''}`, {
            headers: token ? { authorization: `Bearer ${token}` } : {},
          });
          const { body } = await assertAnswer(response, c, token ?? tokens.access);
          c.body?.(body, tokens);
        });
      }
    });
  }
});
