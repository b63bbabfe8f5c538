#!/usr/bin/env node
// A tiny sample app for the README walk-through: signs a person in with Lanekeeper and shows
// the two tokens it gets back, each in its lane. Run: HELLO_SECRET=… node examples/hello-login/app.mjs
import { createServer } from 'node:http';
import * as client from 'openid-client';

const issuer = new URL(process.env.LANEKEEPER_ISSUER ?? 'http://127.0.0.1:3000');
const clientId = process.env.HELLO_CLIENT_ID ?? 'hello';
const secret = process.env.HELLO_SECRET;
const api = process.env.HELLO_API ?? 'https://calendar.example.com';
const port = Number(process.env.HELLO_PORT ?? 4000);
const base = `http://127.0.0.1:${port}`;
if (!secret) {
  console.error('set HELLO_SECRET to the client secret printed by `lanekeeper client add hello …`');
  process.exit(2);
}

const config = await client.discovery(issuer, clientId, secret, undefined, issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {});
const pending = new Map(); // state → { verifier, nonce }

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const decode = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
const page = (body) => `<!doctype html><html lang="en"><meta charset="utf-8"><title>Hello, Lanekeeper</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}pre{background:#f4f5f7;padding:1rem;overflow:auto}</style>${body}</html>`;

createServer(async (req, res) => {
  const url = new URL(req.url, base);
  try {
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page(`<h1>Hello, Lanekeeper</h1><p><a href="/login">Sign in</a></p>`));
    } else if (url.pathname === '/login') {
      const verifier = client.randomPKCECodeVerifier();
      const nonce = client.randomNonce();
      const state = client.randomState();
      pending.set(state, { verifier, nonce });
      const target = client.buildAuthorizationUrl(config, {
        redirect_uri: `${base}/callback`,
        scope: `openid profile email ${process.env.HELLO_SCOPES ?? 'read:calendar'}`,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        nonce,
        state,
        resource: api,
      });
      res.writeHead(303, { location: target.href }).end();
    } else if (url.pathname === '/callback') {
      const state = url.searchParams.get('state');
      const flow = pending.get(state);
      if (!flow) throw new Error('unknown or reused state');
      pending.delete(state);
      const tokens = await client.authorizationCodeGrant(config, url, { pkceCodeVerifier: flow.verifier, expectedNonce: flow.nonce, expectedState: state });
      const who = tokens.claims();
      res.writeHead(200, { 'content-type': 'text/html' }).end(
        page(`<h1>Hello, ${escape(who.name ?? who.email ?? who.sub)}</h1>
<h2>ID token: for this app (aud = ${escape(who.aud)})</h2><pre>${escape(JSON.stringify(who, null, 2))}</pre>
<h2>Access token: for the API (aud = ${escape(JSON.stringify(decode(tokens.access_token).aud))})</h2><pre>${escape(JSON.stringify(decode(tokens.access_token), null, 2))}</pre>
<p>The app reads the ID token to know who signed in; it sends only the access token to the API.</p>`),
      );
    } else {
      res.writeHead(404).end();
    }
  } catch (err) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(`sign-in failed: ${err.message}`);
  }
}).listen(port, '127.0.0.1', () => console.log(`hello-login: open ${base}`));
