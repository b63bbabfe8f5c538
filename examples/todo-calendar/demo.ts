#!/usr/bin/env node
/**
 * `npm run demo`: Lanekeeper, the calendar API, the to-do app (with the team portal) and
 * the MCP server on free ports of 127.0.0.1, seeded from lanekeeper.seed.json and
 * calendar.seed.json. Prints the URLs and the demo accounts; Ctrl-C stops them all.
 *
 * TODO_DPOP=0 turns DPoP off: the to-do app then gets plain bearer access tokens.
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStack, type Stack } from './stack.js';

const SYNC_SCRIPT = fileURLToPath(new URL('./sync.ts', import.meta.url));

function banner(stack: Stack): string {
  const width = Math.max(...stack.accounts.map((a) => `${a.email} / ${a.password}`.length));
  const accounts = stack.accounts.map((a) => {
    const may = a.calendarScopes.includes('write:calendar') ? 'may read and add calendar entries' : 'may only read the calendar (adding gets 403)';
    return `    ${`${a.email} / ${a.password}`.padEnd(width)}   ${a.name}: ${may}`;
  });
  const sync = `node --import tsx ${relative(process.cwd(), SYNC_SCRIPT)} --issuer ${stack.issuer} --api ${stack.apiUrl} --try-write`;
  return [
    '',
    'Lanekeeper demo: the to-do app and the calendar API, each token in its lane',
    '',
    `  To-do app     ${stack.appUrl}   <- open this`,
    `  Calendar API  ${stack.apiUrl}   (its identifier; metadata at ${stack.apiUrl}/.well-known/oauth-protected-resource)`,
    `  MCP server    ${stack.mcpUrl}   (the calendar as MCP tools; connect an MCP client: examples/mcp-calendar/README.md)`,
    `  Lanekeeper    ${stack.issuer}   (the issuer)`,
    `  Team portal   ${stack.portalUrl}   (a first-party app: no consent screen)`,
    '',
    stack.dpop
      ? '  DPoP is on: the to-do app\'s access tokens are bound to a key per session (TODO_DPOP=0 turns it off).'
      : '  DPoP is off (TODO_DPOP=0): the to-do app\'s access tokens are plain bearer tokens.',
    '',
    '  Sign in as',
    ...accounts,
    '',
    '  The machine lane (client credentials), from another terminal in this folder:',
    `    ${sync}`,
    '',
    `  Lanekeeper's config, generated from the seed: ${stack.configFile}`,
    '',
    '  Press Ctrl-C to stop them all.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const stack = await startStack({ logLevel: process.env.LANEKEEPER_LOG_LEVEL ?? 'warn', dpop: process.env.TODO_DPOP !== '0' });
  console.log(banner(stack));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      console.log('\nStopping right away.');
      process.exit(1);
    }
    stopping = true;
    console.log(`\n${signal}: stopping the to-do app, the calendar API, the MCP server and Lanekeeper…`);
    const force = setTimeout(() => {
      console.error('Still not stopped after 10 s; exiting.');
      process.exit(1);
    }, 10_000);
    force.unref();
    stack.close().then(
      () => {
        console.log('Stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        console.error('Stopping failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('The demo could not start:', error);
  process.exit(1);
});
