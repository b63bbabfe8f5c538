/** Puts the seed's entries in the calendar, owned by the people's `sub`s at Lanekeeper. */
import type { CalendarSeedEntry } from '../config.js';
import type { EntryStore } from './store.js';

/** YYYY-MM-DD, `days` from `from` (UTC). */
export function dayFromToday(days: number, from = new Date()): string {
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate() + days));
  return d.toISOString().slice(0, 10);
}

/** `subOf` maps an owner's email to their `sub`; entries of unknown owners are skipped. */
export async function seedEntries(store: EntryStore, entries: CalendarSeedEntry[], subOf: (email: string) => Promise<string | undefined>): Promise<number> {
  if (store.count() > 0) return 0;
  let added = 0;
  for (const entry of entries) {
    const owner = await subOf(entry.owner);
    if (!owner) continue;
    store.add({ owner, title: entry.title, date: dayFromToday(entry.in_days), createdBy: 'seed' });
    added += 1;
  }
  return added;
}
