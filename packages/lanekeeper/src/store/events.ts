import type { Kysely, Selectable } from 'kysely';
import type { Database, EventsTable } from './schema.js';

export type EventRow = Selectable<EventsTable>;

/** The append-only audit trail. */
export class EventRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async append(rows: EventsTable[]): Promise<void> {
    if (rows.length) await this.db.insertInto('events').values(rows).execute();
  }

  async list(filter: { since?: number; type?: string; limit?: number }): Promise<EventRow[]> {
    let q = this.db.selectFrom('events').selectAll();
    if (filter.since !== undefined) q = q.where('at', '>=', filter.since);
    if (filter.type !== undefined) q = filter.type.endsWith('.*') ? q.where('type', 'like', `${filter.type.slice(0, -1)}%`) : q.where('type', '=', filter.type);
    return q.orderBy('at').orderBy('id').limit(filter.limit ?? 1000).execute();
  }
}
