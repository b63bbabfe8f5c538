// Real tokens from a running Lanekeeper server, and forgeries built from them.
import { createPublicKey, randomUUID, type JsonWebKey } from 'node:crypto';
import { SignJWT, decodeJwt, decodeProtectedHeader, generateKeyPair, type JWK } from 'jose';
import { basic, CALENDAR, CONTACTS, CONTACTS_API_SECRET, postForm, REPORTS, startTestServer, SYNC_SECRET, type TestServer } from '../../../lanekeeper/test/helpers/server.js';
import { ALICE, browserConfig, WEB_REDIRECT, WEB_SECRET } from '../../../lanekeeper/test/helpers/users.js';
import { authorizationFlow } from '../../../lanekeeper/test/helpers/browser-flow.js';
import { unsignedToken } from './issuer.js';

export { CALENDAR, CONTACTS, CONTACTS_API_SECRET, REPORTS, SYNC_SECRET, type TestServer };

/** A Lanekeeper server on 127.0.0.1 with users and browser clients; the sync-job client may also get Reports API tokens. */
export async function startLanekeeper(config: Record<string, unknown> = browserConfig()): Promise<TestServer> {
  const clients = config['clients'] as Array<{ client_id: string; apis: Record<string, string[]> }>;
  const sync = clients.find((c) => c.client_id === 'sync-job');
  if (sync) sync.apis[REPORTS] = ['read:reports'];
  return startTestServer('sqlite', config);
}

export interface UserTokens {
  accessToken: string;
  idToken: string;
}

/** Alice logs in to todo-web and consents; the code is redeemed for an access token to the Calendar API and an ID token. */
export async function aliceTokens(server: TestServer): Promise<UserTokens> {
  const flow = await authorizationFlow(server, {
    clientId: 'todo-web',
    redirectUri: WEB_REDIRECT,
    scope: 'openid profile read:calendar',
    resource: CALENDAR,
    login: ALICE,
    consent: 'allow',
  });
  if (!flow.code) throw new Error(`no code: ${flow.redirect}`);
  const response = await postForm(
    `${server.url}/token`,
    { grant_type: 'authorization_code', code: flow.code, code_verifier: flow.verifier, redirect_uri: WEB_REDIRECT },
    { authorization: basic('todo-web', WEB_SECRET) },
  );
  const body = (await response.json()) as Record<string, unknown>;
  if (response.status !== 200 || typeof body['access_token'] !== 'string' || typeof body['id_token'] !== 'string') {
    throw new Error(`code redemption failed: ${response.status} ${JSON.stringify(body)}`);
  }
  return { accessToken: body['access_token'], idToken: body['id_token'] };
}

/** A client-credentials access token of sync-job for one API. */
export async function machineToken(server: TestServer, resource: string): Promise<string> {
  const response = await postForm(`${server.url}/token`, { grant_type: 'client_credentials', resource }, { authorization: basic('sync-job', SYNC_SECRET) });
  const body = (await response.json()) as Record<string, unknown>;
  if (response.status !== 200 || typeof body['access_token'] !== 'string') throw new Error(`token request failed: ${JSON.stringify(body)}`);
  return body['access_token'];
}

/** The same claims signed again by the server's current key, with iat and exp in the past. */
export async function expiredCopy(server: TestServer, token: string): Promise<string> {
  const signer = server.keys.signer('ES256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...decodeJwt(token), iat: now - 1200, exp: now - 600 })
    .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'at+jwt' })
    .sign(signer.key);
}

/** The token's header and claims with alg none and no signature. */
export function unsignedCopy(token: string): string {
  const { kid } = decodeProtectedHeader(token);
  return unsignedToken(decodeJwt(token), { kid });
}

/**
 * The classic key confusion: the claims signed with HS256, using the issuer's public key
 * (PEM, as published in its JWKS under the token's kid) as the HMAC secret.
 */
export async function hs256WithPublicKey(server: TestServer, token: string): Promise<string> {
  const { kid } = decodeProtectedHeader(token);
  const jwks = (await (await fetch(`${server.url}/jwks`)).json()) as { keys: JWK[] };
  const jwk = jwks.keys.find((k) => k.kid === kid);
  if (!jwk) throw new Error('kid not in the JWKS');
  const pem = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  return new SignJWT(decodeJwt(token)).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid }).sign(new TextEncoder().encode(String(pem)));
}

/** The claims signed by a key of our own, under a kid the issuer never published. */
export async function strangerCopy(token: string, kid: string = randomUUID()): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256');
  return new SignJWT(decodeJwt(token)).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid }).sign(privateKey);
}

/** Revokes a token at the server as the client it was issued to (RFC 7009). */
export async function revoke(server: TestServer, token: string, client: { id: string; secret: string }): Promise<void> {
  const response = await postForm(`${server.url}/revoke`, { token }, { authorization: basic(client.id, client.secret) });
  if (response.status !== 200) throw new Error(`revocation failed: ${response.status}`);
}
