/**
 * The calendar as MCP tools. One server per request (the transport is stateless), bound to
 * the caller the guard let through: every entry read or written is the caller's own.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { Principal } from '@lanekeeper/guard';
import type { EntryStore, Entry } from '../todo-calendar/calendar-api/store.js';
import { TOOL_SCOPES } from './scopes.js';

function isRealDate(value: string): boolean {
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

const entryView = (e: Entry) => ({ id: e.id, title: e.title, date: e.date, created_by: e.created_by });

/** A tool result saying the call was refused (the HTTP layer normally answers 403 first). */
function refused(text: string) {
  return { isError: true, content: [{ type: 'text' as const, text }] };
}

export function calendarMcpServer(auth: Principal, store: EntryStore): McpServer {
  const server = new McpServer({ name: 'calendar', version: '0.1.0' });
  const may = (tool: string) => auth.scopes.includes(TOOL_SCOPES[tool]!);

  server.registerTool(
    'list_entries',
    {
      title: 'List calendar entries',
      description: `Lists the entries in your calendar, by date. Needs ${TOOL_SCOPES.list_entries}.`,
      annotations: { readOnlyHint: true },
    },
    async () => {
      if (!may('list_entries')) return refused(`list_entries needs the scope ${TOOL_SCOPES.list_entries}`);
      const entries = store.listFor(auth.sub).map(entryView);
      const text = entries.length ? entries.map((e) => `${e.date}  ${e.title}`).join('\n') : 'Your calendar is empty.';
      return { content: [{ type: 'text', text }], structuredContent: { entries } };
    },
  );

  server.registerTool(
    'add_entry',
    {
      title: 'Add a calendar entry',
      description: `Adds an entry to your calendar. Needs ${TOOL_SCOPES.add_entry}.`,
      inputSchema: {
        title: z.string().trim().min(1).max(200).describe('What the entry says'),
        date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe('The day, YYYY-MM-DD'),
      },
    },
    async ({ title, date }) => {
      if (!may('add_entry')) return refused(`add_entry needs the scope ${TOOL_SCOPES.add_entry}`);
      if (!isRealDate(date)) return refused('date must be a real day, YYYY-MM-DD');
      const entry = store.add({ owner: auth.sub, title, date, createdBy: auth.clientId });
      return { content: [{ type: 'text', text: `Added "${entry.title}" on ${entry.date}.` }], structuredContent: { entry: entryView(entry) } };
    },
  );
  return server;
}
