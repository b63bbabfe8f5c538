// Proves the test issuer is a standard RFC 9068 issuer: a widely used peer library
// accepts its access tokens and refuses its ID tokens, as the guard does.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import express from 'express';
import { auth } from 'express-oauth2-jwt-bearer';
import { createGuard } from '../src/index.js';
import { messages } from '../src/lanes/index.js';
import { TestIssuer } from './helpers/issuer.js';
import { listen, type Listening } from './helpers/serve.js';
import { assertRefused, request } from './helpers/assert.js';

const AUDIENCE = 'https://calendar.example.com';

describe('interop: the test issuer against express-oauth2-jwt-bearer', () => {
  let issuer: TestIssuer;
  let server: Listening;

  before(async () => {
    issuer = await TestIssuer.start({ discovery: 'both' });
    server = await listen();
    const app = express();
    app.get('/calendar', auth({ issuerBaseURL: issuer.url, audience: AUDIENCE, strict: true }), (req, res) => {
      res.json({ sub: req.auth?.payload.sub });
    });
    app.use((error: { status?: number; headers?: Record<string, string>; code?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(error.status ?? 500).set(error.headers ?? {}).json({ error: error.code });
    });
    server.handle(app);
  });
  after(async () => {
    await server.close();
    await issuer.close();
  });

  test('express-oauth2-jwt-bearer accepts the test issuer access token, and so does the guard', async () => {
    const token = await issuer.accessToken(AUDIENCE);
    const response = await fetch(`${server.origin}/calendar`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { sub: 'user_7Hq2' });
    const guard = createGuard({ issuer: issuer.url, audience: AUDIENCE });
    assert.equal((await guard.verify(request({ token }))).sub, 'user_7Hq2');
  });

  test('express-oauth2-jwt-bearer refuses the test issuer ID token, and so does the guard', async () => {
    const token = await issuer.idToken();
    const response = await fetch(`${server.origin}/calendar`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    const guard = createGuard({ issuer: issuer.url, audience: AUDIENCE });
    await assertRefused(guard.verify(request({ token })), { status: 401, code: 'invalid_token', description: messages.idToken });
  });
});
