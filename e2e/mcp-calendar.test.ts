import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import type { Browser, BrowserContext } from 'playwright-core';
import { startMcpStack, type McpStack } from '../examples/mcp-calendar/stack.js';
import { MCP_CLIENT } from '../examples/mcp-calendar/config.js';
import { launchChromium } from './helpers/browser.js';
import { startAppServer, type AppServer } from './helpers/app-server.js';
import { authorizeInBrowser, connectWithBrowser, InMemoryOAuthProvider, UnauthorizedError, type Person } from './helpers/mcp-client.js';
import { startHttpsFixture, type HttpsFixture } from '../packages/lanekeeper/test/helpers/https-fixture.js';
import { authorizationFlow } from '../packages/lanekeeper/test/helpers/browser-flow.js';
import { basic, postForm } from '../packages/lanekeeper/test/helpers/server.js';

type Json = Record<string, unknown>;
const CIMD_PATH = '/mcp-client/client-metadata.json';

function person(stack: McpStack, email: string): Person {
  const found = stack.accounts.find((a) => a.email === email);
  if (!found) throw new Error(`no demo account ${email}`);
  return found;
}

/** One JSON-RPC tools/call over plain HTTP, to see the MCP server's HTTP answer itself. */
async function rawToolCall(mcpUrl: string, token: string, name: string, args: Json = {}): Promise<Response> {
  return fetch(mcpUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } }),
  });
}

function textOf(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return content.map((c) => c.text ?? '').join('\n');
}

describe('MCP clients (the TypeScript SDK) against Lanekeeper and the calendar MCP server', () => {
  let fixture: HttpsFixture;
  let stack: McpStack;
  let app: AppServer;
  let browser: Browser;
  let callback: string;
  const contexts: BrowserContext[] = [];
  const newContext = async () => {
    const context = await browser.newContext();
    contexts.push(context);
    return context;
  };

  before(async () => {
    fixture = await startHttpsFixture();
    app = await startAppServer();
    callback = `${app.origin}/callback`;
    fixture.json(
      CIMD_PATH,
      {
        client_id: `${fixture.origin}${CIMD_PATH}`,
        client_name: 'Metadata-document MCP client',
        redirect_uris: [callback],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      },
      { 'cache-control': 'max-age=300' },
    );
    stack = await startMcpStack({ metadataDocumentFixture: { origin: fixture.origin, ca: fixture.ca } });
    browser = await launchChromium();
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await stack?.close();
    await app?.close();
    await fixture?.close();
  });

  test('a pre-registered public client: 401, discovery, login and consent in Chromium, then tools/call', async () => {
    const alice = person(stack, 'alice@example.com');
    const provider = new InMemoryOAuthProvider({
      redirectUrl: callback,
      clientMetadata: { client_name: 'e2e MCP client', redirect_uris: [callback] },
      clientInformation: { client_id: MCP_CLIENT },
    });
    const context = await newContext();
    const { client, step } = await connectWithBrowser(stack.mcpUrl, provider, (url) => authorizeInBrowser(context, url, alice, callback));
    try {
      assert.equal(provider.authorizationUrl!.searchParams.get('client_id'), MCP_CLIENT);
      assert.equal(provider.authorizationUrl!.searchParams.get('resource'), stack.mcpUrl, 'RFC 8707: the resource is the MCP server\'s URL, path included');
      assert.equal(provider.authorizationUrl!.searchParams.get('scope'), 'read:calendar', 'the 401 challenge named the scope to start with');
      assert.ok(step.loggedIn);
      assert.match(step.consentText, /MCP client \(pre-registered\)/);
      const token = decodeJwt(provider.tokens()!.access_token);
      assert.equal(token.aud, stack.mcpUrl);
      assert.equal(token.scope, 'read:calendar');

      const tools = await client.listTools();
      assert.deepEqual(tools.tools.map((t) => t.name).sort(), ['add_entry', 'list_entries']);
      const result = await client.callTool({ name: 'list_entries', arguments: {} });
      assert.notEqual(result.isError, true, textOf(result));
      assert.ok(((result.structuredContent as { entries: unknown[] }).entries ?? []).length > 0, 'the seeded entries come back');
    } finally {
      await client.close();
    }
  });

  test('a Client ID Metadata Document client_id (served by a local fixture): consent names its host; then tools/call', async () => {
    const alice = person(stack, 'alice@example.com');
    const clientId = `${fixture.origin}${CIMD_PATH}`;
    const provider = new InMemoryOAuthProvider({
      redirectUrl: callback,
      clientMetadataUrl: clientId,
      clientMetadata: { client_name: 'Metadata-document MCP client', redirect_uris: [callback] },
    });
    const context = await newContext();
    const { client, step } = await connectWithBrowser(stack.mcpUrl, provider, (url) => authorizeInBrowser(context, url, alice, callback));
    try {
      assert.equal(provider.authorizationUrl!.searchParams.get('client_id'), clientId, 'the SDK used the URL as its client_id (the server advertises support)');
      assert.equal(provider.registrations.length, 1);
      assert.equal(provider.registrations[0]!.client_id, clientId, 'no dynamic registration happened');
      assert.match(step.consentText, new RegExp(`Metadata-document MCP client from ${new URL(fixture.origin).host.replace(/\./g, '\\.')}`));
      assert.equal(decodeJwt(provider.tokens()!.access_token).client_id, clientId);
      const result = await client.callTool({ name: 'list_entries', arguments: {} });
      assert.notEqual(result.isError, true, textOf(result));
    } finally {
      await client.close();
    }
  });

  test('dynamic client registration: the SDK registers, signs in, and calls a tool', async () => {
    const bob = person(stack, 'bob@example.com');
    const provider = new InMemoryOAuthProvider({
      redirectUrl: callback,
      clientMetadata: { client_name: 'Registered MCP client', redirect_uris: [callback], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' },
    });
    const context = await newContext();
    const { client, step } = await connectWithBrowser(stack.mcpUrl, provider, (url) => authorizeInBrowser(context, url, bob, callback));
    try {
      const registered = provider.registrations[0] as Json;
      assert.match(String(registered.client_id), /^dcr_/);
      assert.equal(registered.token_endpoint_auth_method, 'none', 'asked for a secret, registered as a public client');
      assert.equal(registered.client_secret, undefined);
      assert.match(step.consentText, /Registered MCP client/);
      const result = await client.callTool({ name: 'list_entries', arguments: {} });
      assert.notEqual(result.isError, true, textOf(result));
    } finally {
      await client.close();
    }
  });

  test('step-up: a read-only token gets 403 insufficient_scope naming write:calendar; the client re-authorizes and adds the entry', async () => {
    const alice = person(stack, 'alice@example.com');
    const provider = new InMemoryOAuthProvider({ redirectUrl: callback, clientMetadata: { client_name: 'e2e MCP client', redirect_uris: [callback] }, clientInformation: { client_id: MCP_CLIENT } });
    const context = await newContext();
    const { client, transport } = await connectWithBrowser(stack.mcpUrl, provider, (url) => authorizeInBrowser(context, url, alice, callback));
    try {
      const readOnly = provider.tokens()!.access_token;
      assert.equal(decodeJwt(readOnly).scope, 'read:calendar');

      const refused = await rawToolCall(stack.mcpUrl, readOnly, 'add_entry', { title: 'Dentist', date: '2030-01-02' });
      assert.equal(refused.status, 403);
      const challenge = refused.headers.get('www-authenticate')!;
      assert.match(challenge, /error="insufficient_scope"/);
      assert.match(challenge, /scope="read:calendar write:calendar"/, 'the challenge names write:calendar, and keeps what the token has');
      assert.match(challenge, /resource_metadata="[^"]+\/\.well-known\/oauth-protected-resource\/mcp"/);

      await assert.rejects(client.callTool({ name: 'add_entry', arguments: { title: 'Dentist', date: '2030-01-02' } }), UnauthorizedError, 'the SDK stepped up: it sent the person to re-authorize');
      const upgrade = provider.authorizationUrl!;
      assert.equal(upgrade.searchParams.get('scope'), 'read:calendar write:calendar');
      const step = await authorizeInBrowser(context, upgrade, alice, callback);
      assert.equal(step.loggedIn, false, 'still signed in: only the consent for the added scope');
      assert.match(step.consentText, /Add entries to your calendar/);
      await transport.finishAuth(step.code);

      const added = await client.callTool({ name: 'add_entry', arguments: { title: 'Dentist', date: '2030-01-02' } });
      assert.notEqual(added.isError, true, textOf(added));
      assert.match(textOf(added), /Added "Dentist" on 2030-01-02/);
      assert.equal(decodeJwt(provider.tokens()!.access_token).scope, 'read:calendar write:calendar');
      const listed = await client.callTool({ name: 'list_entries', arguments: {} });
      assert.match(textOf(listed), /2030-01-02 {2}Dentist/);

      const earlier = await rawToolCall(stack.mcpUrl, readOnly, 'list_entries');
      assert.equal(earlier.status, 200, 'the earlier grant was not lost: its token still works');
    } finally {
      await client.close();
    }
  });

  test('audiences: an MCP token is refused by the calendar API, a calendar API token by the MCP server, an ID token with the explaining header', async () => {
    const alice = person(stack, 'alice@example.com');
    const lanekeeper = { issuer: stack.issuer } as Parameters<typeof authorizationFlow>[0];
    const flow = await authorizationFlow(lanekeeper, { clientId: MCP_CLIENT, redirectUri: 'http://127.0.0.1:51000/callback', scope: 'openid read:calendar', resource: stack.mcpUrl, login: alice, consent: 'allow' });
    const res = await postForm(`${stack.issuer}/token`, { grant_type: 'authorization_code', code: flow.code!, code_verifier: flow.verifier, redirect_uri: 'http://127.0.0.1:51000/callback', client_id: MCP_CLIENT });
    const tokens = (await res.json()) as Json;
    assert.equal(res.status, 200, JSON.stringify(tokens));
    const mcpToken = String(tokens.access_token);
    assert.ok((decodeJwt(mcpToken).aud as string[]).includes(stack.mcpUrl));
    assert.equal((await rawToolCall(stack.mcpUrl, mcpToken, 'list_entries')).status, 200);

    const atCalendar = await fetch(`${stack.apiUrl}/entries`, { headers: { authorization: `Bearer ${mcpToken}` } });
    assert.equal(atCalendar.status, 401);
    assert.match(atCalendar.headers.get('www-authenticate')!, /this access token is for .*\/mcp.*, not for this API/);

    const sync = await postForm(`${stack.issuer}/token`, { grant_type: 'client_credentials', resource: stack.apiUrl }, { authorization: basic(stack.syncClient.id, stack.syncClient.secret) });
    const calendarToken = String(((await sync.json()) as Json).access_token);
    assert.equal((await fetch(`${stack.apiUrl}/entries`, { headers: { authorization: `Bearer ${calendarToken}` } })).status, 200);
    const atMcp = await rawToolCall(stack.mcpUrl, calendarToken, 'list_entries');
    assert.equal(atMcp.status, 401);
    assert.match(atMcp.headers.get('www-authenticate')!, new RegExp(`this access token is for ${stack.apiUrl.replace(/\./g, '\\.')}, not for this API`));

    const idToken = String(tokens.id_token);
    const withIdToken = await rawToolCall(stack.mcpUrl, idToken, 'list_entries');
    assert.equal(withIdToken.status, 401);
    const header = withIdToken.headers.get('www-authenticate')!;
    assert.match(header, /error="invalid_token"/);
    assert.match(header, /this is an ID token \(it tells the client app who logged in; its aud is the client app\); send the access token instead/);
    assert.match(header, /resource_metadata="/);
  });

  test('the MCP server\'s metadata (RFC 9728) names its URL, path included, and Lanekeeper as its authorization server', async () => {
    const url = new URL(stack.mcpUrl);
    const meta = (await (await fetch(`${url.origin}/.well-known/oauth-protected-resource/mcp`)).json()) as Json;
    assert.equal(meta.resource, stack.mcpUrl);
    assert.deepEqual(meta.authorization_servers, [stack.issuer]);
    assert.deepEqual(meta.scopes_supported, ['read:calendar', 'write:calendar']);
    const unauthenticated = await fetch(stack.mcpUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' });
    assert.equal(unauthenticated.status, 401);
    assert.equal(unauthenticated.headers.get('www-authenticate'), `Bearer resource_metadata="${url.origin}/.well-known/oauth-protected-resource/mcp", scope="read:calendar"`);
  });
});
