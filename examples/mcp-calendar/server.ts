/**
 * The calendar as an MCP server (streamable HTTP, the official TypeScript SDK), protected
 * by @lanekeeper/guard. To MCP clients it is an OAuth 2.1 resource server like any other API:
 *
 *   POST /mcp                                        MCP over streamable HTTP (stateless, JSON responses)
 *   GET  /.well-known/oauth-protected-resource/mcp   RFC 9728 metadata (path-inserted: the identifier has a path)
 *
 * Its identifier is its own URL, path included (`http://127.0.0.1:<port>/mcp`), exactly the
 * URL clients connect to: the metadata's `resource`, the `resource` clients ask Lanekeeper
 * for (RFC 8707) and the `aud` of its tokens. A token for the calendar API — or for any other
 * MCP server — is refused here, and an ID token is refused with a header that says why.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createGuard, GuardError, protectedResourceMetadata, resourceMetadataUrl, type Principal } from '@lanekeeper/guard';
import { fastifyGuardPlugin, sendGuardError } from '@lanekeeper/guard/fastify';
import { SCOPES } from '../todo-calendar/config.js';
import type { EntryStore } from '../todo-calendar/calendar-api/store.js';
import { closeServer, onBoundServer, type BoundSocket } from '../todo-calendar/loopback.js';
import { insufficientScope, scopesFor, withBaseScope } from './scopes.js';
import { calendarMcpServer } from './tools.js';

export const MCP_PATH = '/mcp';

export interface McpCalendarOptions {
  /** The socket to serve on; `<its origin>/mcp` is the server's identifier. */
  socket: BoundSocket;
  /** Lanekeeper's issuer identifier. */
  issuer: string;
  store: EntryStore;
}

export interface RunningMcpCalendar {
  /** The MCP endpoint: the URL clients connect to, and the identifier of the server as an API. */
  url: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

export async function startMcpCalendar(options: McpCalendarOptions): Promise<RunningMcpCalendar> {
  const { socket, issuer, store } = options;
  const identifier = `${socket.origin}${MCP_PATH}`;
  const metadataUrl = resourceMetadataUrl(identifier);
  const guard = createGuard({ issuer, audience: identifier, resourceMetadataUrl: metadataUrl });
  await guard.ready();

  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, serverFactory: onBoundServer(socket.server) });
  await app.register(fastifyGuardPlugin, {
    resourceMetadata: protectedResourceMetadata({ resource: identifier, authorizationServers: [issuer], scopesSupported: [SCOPES.read, SCOPES.write], resourceName: 'Calendar (MCP server)' }),
  });
  const host = new URL(socket.origin).host;

  app.post(MCP_PATH, async (request, reply) => {
    let auth: Principal;
    try {
      auth = await guard.verify(request.raw);
      const needed = scopesFor(request.body);
      if (needed.some((s) => !auth.scopes.includes(s))) throw insufficientScope(auth, needed, metadataUrl);
    } catch (error) {
      if (error instanceof GuardError) return sendGuardError(reply, withBaseScope(error));
      throw error;
    }
    const server = calendarMcpServer(auth, store);
    // Stateless: one transport per request. Host checks keep a DNS-rebinding page from reaching it.
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true, enableDnsRebindingProtection: true, allowedHosts: [host, `localhost:${socket.port}`] });
    reply.hijack();
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(request.raw, reply.raw, request.body);
  });

  // No server-initiated stream and no sessions in stateless mode (MCP clients expect 405 here).
  const notAllowed = async (_request: unknown, reply: import('fastify').FastifyReply) =>
    reply.code(405).header('Allow', 'POST').send({ error: 'method_not_allowed', error_description: 'this MCP server is stateless: POST JSON-RPC messages to it' });
  app.get(MCP_PATH, notAllowed);
  app.delete(MCP_PATH, notAllowed);
  app.get('/', async () => ({ name: 'Calendar (MCP server)', mcp: identifier, resource_metadata: metadataUrl, tools: { list_entries: SCOPES.read, add_entry: SCOPES.write } }));

  await app.ready();
  return {
    url: identifier,
    app,
    async close() {
      await app.close();
      await closeServer(socket.server);
    },
  };
}
