/**
 * Starts the whole scenario in one process: Lanekeeper, the calendar API and the to-do app
 * (with the team portal), each on a free port of 127.0.0.1. Used by the demo and the tests.
 *
 * Order matters: the API's identifier is its own URL and the app's redirect URIs name the
 * app's URL, so their sockets are bound first; then Lanekeeper starts from the seed with
 * those URLs filled in; then the API and the app start against Lanekeeper's issuer.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, startServer, type RunningServer } from 'lanekeeper';
import { seedEntries } from './calendar-api/seed.js';
import { startCalendarApi, type RunningCalendarApi } from './calendar-api/server.js';
import { EntryStore } from './calendar-api/store.js';
import { calendarSeed, clientSecret, demoAccounts, lanekeeperConfig, PORTAL_CLIENT, SYNC_CLIENT, TODO_APP_CLIENT, type DemoAccount } from './config.js';
import { bindLoopback, closeServer, type BoundSocket } from './loopback.js';
import { startTodoApp, type RunningTodoApp } from './todo-app/server.js';
import { addMcpCalendar } from '../mcp-calendar/config.js';
import { MCP_PATH, startMcpCalendar } from '../mcp-calendar/server.js';

export interface StackOptions {
  /** Where the databases and the generated Lanekeeper config go. Default: a new temporary folder, removed at close. */
  dataDir?: string;
  /** The calendar API's access-token lifetime, seconds (min 10). Default: the seed's. */
  accessTokenTtl?: number;
  /** The app refreshes the access token this many seconds before it expires. Default 30. */
  refreshMargin?: number;
  /** The to-do app binds its access tokens to a DPoP key per session (RFC 9449). Default true. */
  dpop?: boolean;
  /** Lanekeeper's log level. Default: LANEKEEPER_LOG_LEVEL, else `warn`. */
  logLevel?: string;
}

export interface Stack {
  issuer: string;
  /** The calendar API's URL, also its identifier. */
  apiUrl: string;
  appUrl: string;
  portalUrl: string;
  /** The calendar as an MCP server (examples/mcp-calendar): its URL, also its identifier. */
  mcpUrl: string;
  /** Whether the to-do app uses DPoP. */
  dpop: boolean;
  /** The Lanekeeper config generated from the seed. */
  configFile: string;
  dataDir: string;
  accounts: DemoAccount[];
  syncClient: { id: string; secret: string };
  lanekeeper: RunningServer;
  close(): Promise<void>;
}

/** The deployment secret encrypts Lanekeeper's signing keys; a kept data folder keeps its secret. */
function deploymentSecret(dataDir: string): string {
  const file = join(dataDir, 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const ownsDir = !options.dataDir;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'todo-calendar-'));
  mkdirSync(dataDir, { recursive: true });
  const cleanups: (() => Promise<void> | void)[] = [];
  const closeAll = async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error('todo-calendar: while stopping:', error);
      }
    }
    cleanups.length = 0;
    if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const apiSocket: BoundSocket = await bindLoopback();
    cleanups.push(() => closeServer(apiSocket.server));
    const appSocket: BoundSocket = await bindLoopback();
    cleanups.push(() => closeServer(appSocket.server));
    const mcpSocket: BoundSocket = await bindLoopback();
    cleanups.push(() => closeServer(mcpSocket.server));

    const dpop = options.dpop ?? true;
    const seed = lanekeeperConfig(
      { calendarApi: apiSocket.origin, todoApp: appSocket.origin },
      { dpop, ...(options.accessTokenTtl === undefined ? {} : { accessTokenTtl: options.accessTokenTtl }) },
    );
    addMcpCalendar(seed, { calendarApi: apiSocket.origin, mcpServer: `${mcpSocket.origin}${MCP_PATH}` });
    const configFile = join(dataDir, 'lanekeeper.json');
    writeFileSync(configFile, `${JSON.stringify(seed, null, 2)}\n`);

    const lanekeeper = await startServer(
      loadConfig({
        file: configFile,
        env: {
          LANEKEEPER_SECRET: deploymentSecret(dataDir),
          LANEKEEPER_DATABASE_URL: `sqlite:${join(dataDir, 'lanekeeper.db')}`,
          PORT: '0',
          HOST: '127.0.0.1',
          LANEKEEPER_LOG_LEVEL: options.logLevel ?? process.env.LANEKEEPER_LOG_LEVEL ?? 'warn',
        },
      }),
    );
    cleanups.push(() => lanekeeper.close());

    const store = new EntryStore(join(dataDir, 'calendar.db'));
    cleanups.push(() => store.close());
    await seedEntries(store, calendarSeed(), async (email) => (await lanekeeper.store.users.getByEmail(email))?.id);

    const api: RunningCalendarApi = await startCalendarApi({ socket: apiSocket, issuer: lanekeeper.issuer, store });
    cleanups.push(() => api.close());
    const mcp = await startMcpCalendar({ socket: mcpSocket, issuer: lanekeeper.issuer, store });
    cleanups.push(() => mcp.close());

    const app: RunningTodoApp = await startTodoApp({
      socket: appSocket,
      issuer: lanekeeper.issuer,
      apiUrl: api.identifier,
      client: { id: TODO_APP_CLIENT, secret: clientSecret(seed, TODO_APP_CLIENT) },
      portalClient: { id: PORTAL_CLIENT, secret: clientSecret(seed, PORTAL_CLIENT) },
      dpop,
      ...(options.refreshMargin === undefined ? {} : { refreshMargin: options.refreshMargin }),
    });
    cleanups.push(() => app.close());

    return {
      issuer: lanekeeper.issuer,
      apiUrl: api.identifier,
      appUrl: app.url,
      portalUrl: app.portalUrl,
      mcpUrl: mcp.url,
      dpop,
      configFile,
      dataDir,
      accounts: demoAccounts(seed, api.identifier),
      syncClient: { id: SYNC_CLIENT, secret: clientSecret(seed, SYNC_CLIENT) },
      lanekeeper,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
