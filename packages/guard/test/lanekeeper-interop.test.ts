// Proves Lanekeeper's tokens are standard: express-oauth2-jwt-bearer (Auth0's RFC 9068
// middleware, which knows nothing of Lanekeeper) accepts its access tokens and refuses its
// ID tokens, exactly as the guard does.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import express from 'express';
import { decodeJwt } from 'jose';
import { auth } from 'express-oauth2-jwt-bearer';
import { createGuard, type Guard } from '../src/index.js';
import { messages } from '../src/lanes/index.js';
import { assertRefused, request } from './helpers/assert.js';
import { aliceTokens, CALENDAR, machineToken, REPORTS, startLanekeeper, type TestServer, type UserTokens } from './helpers/lanekeeper.js';
import { listen, type Listening } from './helpers/serve.js';

describe('interop: Lanekeeper tokens against express-oauth2-jwt-bearer', () => {
  let server: TestServer;
  let api: Listening;
  let guard: Guard;
  let tokens: UserTokens;

  const call = (token: string) => fetch(`${api.origin}/calendar`, { headers: { authorization: `Bearer ${token}` } });

  before(async () => {
    server = await startLanekeeper();
    tokens = await aliceTokens(server);
    guard = createGuard({ issuer: server.issuer, audience: CALENDAR });
    api = await listen();
    const app = express();
    // Discovery from the issuer (http is fine for a loopback issuer); strict: RFC 9068 profile, typ at+jwt required.
    app.get('/calendar', auth({ issuerBaseURL: server.issuer, audience: CALENDAR, strict: true }), (req, res) => {
      res.json({ sub: req.auth?.payload.sub, scope: req.auth?.payload['scope'] });
    });
    app.use((error: { status?: number; headers?: Record<string, string>; code?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(error.status ?? 500).set(error.headers ?? {}).json({ error: error.code });
    });
    api.handle(app);
  });
  after(async () => {
    await api.close();
    await server.stop();
  });

  test('express-oauth2-jwt-bearer accepts a Lanekeeper access token from the code flow, and so does the guard', async () => {
    const response = await call(tokens.accessToken);
    assert.equal(response.status, 200);
    const sub = decodeJwt(tokens.accessToken).sub;
    assert.deepEqual(await response.json(), { sub, scope: decodeJwt(tokens.accessToken)['scope'] });
    assert.equal((await guard.verify(request({ token: tokens.accessToken }))).sub, sub);
  });

  test('express-oauth2-jwt-bearer accepts a Lanekeeper client-credentials access token, and so does the guard', async () => {
    const token = await machineToken(server, CALENDAR);
    const response = await call(token);
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { sub: string }).sub, 'sync-job');
    assert.equal((await guard.verify(request({ token }))).sub, 'sync-job');
  });

  test('express-oauth2-jwt-bearer refuses the Lanekeeper ID token, and so does the guard', async () => {
    const response = await call(tokens.idToken);
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    await assertRefused(guard.verify(request({ token: tokens.idToken })), { status: 401, code: 'invalid_token', description: messages.idToken }, tokens.idToken);
  });

  test('express-oauth2-jwt-bearer refuses a Lanekeeper access token for another API, and so does the guard', async () => {
    const token = await machineToken(server, REPORTS);
    const response = await call(token);
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    await assertRefused(guard.verify(request({ token })), { status: 401, code: 'invalid_token', description: messages.audienceMismatch(REPORTS, CALENDAR) }, token);
  });
});
