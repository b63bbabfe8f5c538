/**
 * What Lanekeeper needs to know about the MCP server, added to the to-do + calendar seed:
 *
 * - the MCP server as an API: its identifier is its URL, path included, with the calendar's
 *   two scopes; people get the same permissions there as at the calendar API;
 * - a pre-registered public client for MCP clients configured by hand (`mcp-calendar-client`);
 * - policies for MCP clients that arrive with no registration: Client ID Metadata Documents
 *   (a client_id that is an https URL) and dynamic client registration, both limited to this
 *   server's scopes.
 */
import type { LanekeeperSeed } from '../todo-calendar/config.js';
import { SCOPES } from '../todo-calendar/config.js';

export const MCP_CLIENT = 'mcp-calendar-client';

/** Loopback redirect URIs of the pre-registered client (any port on 127.0.0.1; the MCP Inspector's). */
export const MCP_CLIENT_REDIRECTS = ['http://127.0.0.1/callback', 'http://localhost:6274/oauth/callback'];

export interface McpSeedOptions {
  /** Development and tests only: the one loopback https origin metadata documents may come from. */
  metadataDocumentFixture?: { origin: string; ca: string };
}

type Json = Record<string, unknown>;

/** Adds the MCP parts to a seed, in place (what examples/todo-calendar/stack.ts does for the demo). */
export function addMcpCalendar(seed: LanekeeperSeed, urls: { calendarApi: string; mcpServer: string }, options: McpSeedOptions = {}): void {
  const scopes = [SCOPES.read, SCOPES.write];
  const mcpApis = { [urls.mcpServer]: scopes };
  const api: LanekeeperSeed['apis'][number] & Json = {
    identifier: urls.mcpServer,
    name: 'Calendar (MCP server)',
    scopes: { [SCOPES.read]: 'See the entries in your calendar', [SCOPES.write]: 'Add entries to your calendar' },
    token_format: 'jwt',
    signing_alg: 'ES256',
    access_token_ttl: 300,
  };
  const client: LanekeeperSeed['clients'][number] & Json = {
    client_id: MCP_CLIENT,
    client_name: 'MCP client (pre-registered)',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    redirect_uris: MCP_CLIENT_REDIRECTS,
    apis: mcpApis,
  };
  seed.apis.push(api);
  seed.clients.push(client);
  for (const user of seed.users) user.permissions = { ...user.permissions, [urls.mcpServer]: user.permissions?.[urls.calendarApi] ?? [] };
  seed.client_id_metadata_documents = {
    enabled: true,
    apis: mcpApis,
    ...(options.metadataDocumentFixture ? { development_fixture: options.metadataDocumentFixture } : {}),
  };
  seed.dynamic_registration = { enabled: true, apis: mcpApis };
}

/** A copy of the seed with the MCP parts added. */
export function withMcpCalendar(seed: LanekeeperSeed, urls: { calendarApi: string; mcpServer: string }, options: McpSeedOptions = {}): LanekeeperSeed {
  const copy = structuredClone(seed);
  addMcpCalendar(copy, urls, options);
  return copy;
}
