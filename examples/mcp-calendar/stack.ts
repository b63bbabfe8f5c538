/**
 * Lanekeeper, the calendar API and the MCP server in one process, each on a free port of
 * 127.0.0.1: what the tests drive, and a way to run the MCP example alone
 * (`node --import tsx examples/mcp-calendar/start.ts`). `npm run demo` starts the MCP
 * server beside the to-do app instead (examples/todo-calendar/stack.ts).
 *
 * The seed is the to-do + calendar one without the to-do app's clients, plus the MCP parts
 * (config.ts). Identifiers come from the ports bound first: the calendar API's is its origin,
 * the MCP server's is its origin + /mcp.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, startServer, type RunningServer } from 'lanekeeper';
import { calendarSeed, demoAccounts, fillPlaceholders, rawSeed, SYNC_CLIENT, clientSecret, type DemoAccount, type LanekeeperSeed } from '../todo-calendar/config.js';
import { seedEntries } from '../todo-calendar/calendar-api/seed.js';
import { startCalendarApi } from '../todo-calendar/calendar-api/server.js';
import { EntryStore } from '../todo-calendar/calendar-api/store.js';
import { bindLoopback } from '../todo-calendar/loopback.js';
import { withMcpCalendar, type McpSeedOptions } from './config.js';
import { MCP_PATH, startMcpCalendar } from './server.js';

export interface McpStackOptions extends McpSeedOptions {
  logLevel?: string;
  /** Passed to Lanekeeper's startServer (tests inject how client documents are fetched). */
  serverOptions?: Parameters<typeof startServer>[1];
}

export interface McpStack {
  issuer: string;
  apiUrl: string;
  /** The MCP endpoint, also the MCP server's identifier. */
  mcpUrl: string;
  accounts: DemoAccount[];
  syncClient: { id: string; secret: string };
  lanekeeper: RunningServer;
  store: EntryStore;
  close(): Promise<void>;
}

/** The to-do + calendar seed without the to-do app (its clients and the avatars it serves). */
function calendarOnlySeed(calendarApi: string): LanekeeperSeed {
  const raw = rawSeed();
  const withoutApp = {
    ...raw,
    clients: raw.clients.filter((c) => !JSON.stringify(c).includes('${TODO_APP}')),
    users: raw.users.map(({ picture: _picture, ...u }: LanekeeperSeed['users'][number] & { picture?: string }) => u),
  };
  return fillPlaceholders(withoutApp, { CALENDAR_API: calendarApi }) as LanekeeperSeed;
}

export async function startMcpStack(options: McpStackOptions = {}): Promise<McpStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mcp-calendar-'));
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(dataDir, { recursive: true, force: true })];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error('mcp-calendar: while stopping:', error);
      }
    }
    cleanups.length = 0;
  };
  try {
    const apiSocket = await bindLoopback();
    cleanups.push(() => new Promise<void>((resolve) => (apiSocket.server.listening ? apiSocket.server.close(() => resolve()) : resolve())));
    const mcpSocket = await bindLoopback();
    cleanups.push(() => new Promise<void>((resolve) => (mcpSocket.server.listening ? mcpSocket.server.close(() => resolve()) : resolve())));
    const mcpUrl = `${mcpSocket.origin}${MCP_PATH}`;
    const seed = withMcpCalendar(calendarOnlySeed(apiSocket.origin), { calendarApi: apiSocket.origin, mcpServer: mcpUrl }, options);

    const lanekeeper = await startServer(
      loadConfig({
        env: {
          LANEKEEPER_SECRET: randomBytes(32).toString('base64url'),
          LANEKEEPER_DATABASE_URL: `sqlite:${join(dataDir, 'lanekeeper.db')}`,
          PORT: '0',
          HOST: '127.0.0.1',
          LANEKEEPER_LOG_LEVEL: options.logLevel ?? process.env.LANEKEEPER_LOG_LEVEL ?? 'warn',
        },
        cwd: dataDir,
        inline: seed,
      }),
      options.serverOptions,
    );
    cleanups.push(() => lanekeeper.close());

    const store = new EntryStore(join(dataDir, 'calendar.db'));
    cleanups.push(() => store.close());
    await seedEntries(store, calendarSeed(), async (email) => (await lanekeeper.store.users.getByEmail(email))?.id);

    const api = await startCalendarApi({ socket: apiSocket, issuer: lanekeeper.issuer, store });
    cleanups.push(() => api.close());
    const mcp = await startMcpCalendar({ socket: mcpSocket, issuer: lanekeeper.issuer, store });
    cleanups.push(() => mcp.close());

    return {
      issuer: lanekeeper.issuer,
      apiUrl: api.identifier,
      mcpUrl: mcp.url,
      accounts: demoAccounts(seed, api.identifier),
      syncClient: { id: SYNC_CLIENT, secret: clientSecret(seed, SYNC_CLIENT) },
      lanekeeper,
      store,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
