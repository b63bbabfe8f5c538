/**
 * The example's configuration: the Lanekeeper seed (lanekeeper.seed.json) with the URLs
 * filled in, the calendar's seed entries, and the credentials the apps and the demo use.
 *
 * The seed names the calendar API by its own URL (its identifier, RFC 9728) and the
 * to-do app's redirect URIs by the app's URL, and both depend on the ports the servers
 * bound. So the seed holds `${CALENDAR_API}` and `${TODO_APP}` placeholders, filled in
 * once the sockets are open.
 */
import { readFileSync } from 'node:fs';

const here = new URL('.', import.meta.url);

export const SEED_FILE = new URL('lanekeeper.seed.json', here).pathname;
export const CALENDAR_SEED_FILE = new URL('calendar.seed.json', here).pathname;

/** The client ids the seed registers; the apps look their secrets up here. */
export const TODO_APP_CLIENT = 'todo-app';
export const PORTAL_CLIENT = 'team-portal';
export const SYNC_CLIENT = 'calendar-sync';

export const SCOPES = { read: 'read:calendar', write: 'write:calendar' } as const;

export interface Urls {
  /** The calendar API's public URL: also its identifier, the `aud` of its access tokens. */
  calendarApi: string;
  /** The to-do app's public URL (it also hosts the first-party team portal at /portal). */
  todoApp: string;
}

export interface SeedOptions {
  /** Overrides the calendar API's access-token lifetime, seconds (Lanekeeper's minimum is 10). */
  accessTokenTtl?: number;
  /**
   * Whether the to-do app uses DPoP. The seed registers it with `dpop_bound_access_tokens:
   * true` (Lanekeeper then refuses its token requests without a proof); false turns that off.
   */
  dpop?: boolean;
}

interface SeedClient {
  client_id: string;
  client_secret?: string;
  dpop_bound_access_tokens?: boolean;
}

interface SeedUser {
  email: string;
  password?: string;
  name?: string;
  permissions?: Record<string, string[]>;
}

interface SeedApi {
  identifier: string;
  access_token_ttl?: number;
}

export interface LanekeeperSeed {
  apis: SeedApi[];
  clients: SeedClient[];
  users: SeedUser[];
  [field: string]: unknown;
}

/** Replaces `${NAME}` in every string and object key of a JSON value. */
export function fillPlaceholders(value: unknown, values: Record<string, string>): unknown {
  const fill = (text: string) =>
    text.replace(/\$\{([A-Z_]+)\}/g, (match, name: string) => {
      const replacement = values[name];
      if (replacement === undefined) throw new Error(`seed: no value for placeholder ${match}`);
      return replacement;
    });
  if (typeof value === 'string') return fill(value);
  if (Array.isArray(value)) return value.map((item) => fillPlaceholders(item, values));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [fill(key), fillPlaceholders(item, values)]));
  }
  return value;
}

/** The seed file as written, placeholders and all. */
export function rawSeed(): LanekeeperSeed {
  return JSON.parse(readFileSync(SEED_FILE, 'utf8')) as LanekeeperSeed;
}

/** Lanekeeper's config for this example: the seed file with the URLs the servers bound. */
export function lanekeeperConfig(urls: Urls, options: SeedOptions = {}): LanekeeperSeed {
  const raw = rawSeed();
  const seed = fillPlaceholders(raw, { CALENDAR_API: urls.calendarApi, TODO_APP: urls.todoApp }) as LanekeeperSeed;
  if (options.accessTokenTtl !== undefined) {
    for (const api of seed.apis) api.access_token_ttl = options.accessTokenTtl;
  }
  if (options.dpop === false) {
    const todoApp = seed.clients.find((c) => c.client_id === TODO_APP_CLIENT);
    if (todoApp) todoApp.dpop_bound_access_tokens = false;
  }
  return seed;
}

export function clientSecret(seed: LanekeeperSeed, clientId: string): string {
  const secret = seed.clients.find((c) => c.client_id === clientId)?.client_secret;
  if (!secret) throw new Error(`seed: client ${clientId} has no client_secret`);
  return secret;
}

export interface DemoAccount {
  email: string;
  password: string;
  name: string;
  /** The calendar scopes the account's permissions allow. */
  calendarScopes: string[];
}

/** The people the seed declares, with what each may do at the calendar API. */
export function demoAccounts(seed: LanekeeperSeed, calendarApi: string): DemoAccount[] {
  return seed.users.map((u) => ({
    email: u.email,
    password: u.password ?? '',
    name: u.name ?? u.email,
    calendarScopes: u.permissions?.[calendarApi] ?? [],
  }));
}

export interface CalendarSeedEntry {
  /** The owner's email; the calendar stores entries by the owner's `sub` at Lanekeeper. */
  owner: string;
  title: string;
  /** Days from today. */
  in_days: number;
}

export function calendarSeed(): CalendarSeedEntry[] {
  const parsed = JSON.parse(readFileSync(CALENDAR_SEED_FILE, 'utf8')) as { entries: CalendarSeedEntry[] };
  return parsed.entries;
}
