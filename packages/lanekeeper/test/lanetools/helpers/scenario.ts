/**
 * The reference scenario (Lanekeeper + the calendar API, examples/todo-calendar) with the
 * deliberately vulnerable APIs beside it. Every vulnerable API trusts the same issuer and
 * claims the calendar API's identifier as its audience, so one deployment's keys probe all.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, type Stack } from '../../../../../examples/todo-calendar/stack.js';
import { SCOPES } from '../../../../../examples/todo-calendar/config.js';
import { authorizationFlow } from '../../helpers/browser-flow.js';
import { basic, postForm } from '../../helpers/server.js';
import { VULNERABLE_APIS } from '../../fixtures/vulnerable-apis/index.js';
import type { RunningApi } from '../../fixtures/vulnerable-apis/naive-api.js';

export interface Scenario {
  stack: Stack;
  /** The environment `lanekeeper probe --config` needs beside the config file (secret, database). */
  env: Record<string, string>;
  /** GET /entries of the calendar API: the clean control. */
  calendarUrl: string;
  scope: string;
  /** The vulnerable APIs by name: their endpoint URLs. */
  apis: Map<string, RunningApi>;
  /** Real tokens for foreign mode: a client-credentials access token and Alice's ID token. */
  tokens: { accessToken: string; idToken: string };
  close(): Promise<void>;
}

async function tokenRequest(stack: Stack, form: Record<string, string>, client: { id: string; secret: string }): Promise<Record<string, unknown>> {
  const response = await postForm(`${stack.issuer}/token`, form, { authorization: basic(client.id, client.secret) });
  const body = (await response.json()) as Record<string, unknown>;
  if (response.status !== 200) throw new Error(`token request failed: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** Alice signs in to the team portal (first-party: no consent); its ID token. */
async function portalIdToken(stack: Stack): Promise<string> {
  const seed = JSON.parse(readFileSync(stack.configFile, 'utf8')) as { clients: Array<{ client_id: string; client_secret?: string; redirect_uris?: string[] }> };
  const portal = seed.clients.find((c) => c.client_id === 'team-portal');
  const redirectUri = portal?.redirect_uris?.[0];
  if (!portal?.client_secret || !redirectUri) throw new Error('the seed has no team-portal client');
  const alice = stack.accounts[0];
  if (!alice) throw new Error('the seed has no accounts');
  // The stack runs the built server (dist), the helper is typed by the sources; it reads only `issuer`.
  const server = stack.lanekeeper as unknown as Parameters<typeof authorizationFlow>[0];
  const flow = await authorizationFlow(server, { clientId: portal.client_id, redirectUri, scope: 'openid profile', login: { email: alice.email, password: alice.password } });
  if (!flow.code) throw new Error(`no code: ${flow.redirect}`);
  const body = await tokenRequest(stack, { grant_type: 'authorization_code', code: flow.code, code_verifier: flow.verifier, redirect_uri: redirectUri }, { id: portal.client_id, secret: portal.client_secret });
  return String(body['id_token']);
}

export async function startScenario(): Promise<Scenario> {
  const stack = await startStack({ logLevel: 'silent' });
  const apis = new Map<string, RunningApi>();
  try {
    for (const fixture of VULNERABLE_APIS) {
      apis.set(fixture.name, await fixture.start({ issuer: stack.issuer, audience: stack.apiUrl, scope: SCOPES.read }));
    }
    const access = await tokenRequest(stack, { grant_type: 'client_credentials', resource: stack.apiUrl }, stack.syncClient);
    const tokens = { accessToken: String(access['access_token']), idToken: await portalIdToken(stack) };
    return {
      stack,
      env: {
        LANEKEEPER_SECRET: readFileSync(join(stack.dataDir, 'secret'), 'utf8').trim(),
        LANEKEEPER_DATABASE_URL: `sqlite:${join(stack.dataDir, 'lanekeeper.db')}`,
        LANEKEEPER_LOG_LEVEL: 'silent',
      },
      calendarUrl: `${stack.apiUrl}/entries`,
      scope: SCOPES.read,
      apis,
      tokens,
      async close() {
        for (const api of apis.values()) await api.close();
        await stack.close();
      },
    };
  } catch (error) {
    for (const api of apis.values()) await api.close();
    await stack.close();
    throw error;
  }
}
