#!/usr/bin/env node
/**
 * The MCP example alone: Lanekeeper, the calendar API and the calendar MCP server on free
 * ports of 127.0.0.1 (`npm run demo` starts the MCP server beside the to-do app instead).
 *
 *   node --import tsx examples/mcp-calendar/start.ts
 */
import { startMcpStack } from './stack.js';
import { MCP_CLIENT } from './config.js';

const stack = await startMcpStack();
console.log(
  [
    '',
    'Lanekeeper + the calendar MCP server',
    '',
    `  MCP server    ${stack.mcpUrl}   <- connect your MCP client here (streamable HTTP)`,
    `  Lanekeeper    ${stack.issuer}   (the authorization server)`,
    `  Calendar API  ${stack.apiUrl}`,
    '',
    '  Sign in as alice@example.com / alice-demo-password (may read and add entries)',
    '          or bob@example.com / bob-demo-password (may only read)',
    '',
    `  Clients may register dynamically, use a Client ID Metadata Document URL, or the pre-registered public client "${MCP_CLIENT}".`,
    '  Press Ctrl-C to stop.',
    '',
  ].join('\n'),
);
const stop = () => {
  stack.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
