import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Fixed-window counters shared by every node through the store. */
export class RateLimitRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Adds one to the key's window and returns the new count (a new window starts when the old one ended). */
  async hit(key: string, now: number, windowSeconds: number): Promise<number> {
    const resetAt = now + windowSeconds;
    const row = await this.db
      .insertInto('rate_limits')
      .values({ key, count: 1, reset_at: resetAt })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          count: sql`case when rate_limits.reset_at <= ${now} then 1 else rate_limits.count + 1 end`,
          reset_at: sql`case when rate_limits.reset_at <= ${now} then ${resetAt} else rate_limits.reset_at end`,
        }),
      )
      .returning('count')
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async peek(key: string, now: number): Promise<number> {
    const row = await this.db.selectFrom('rate_limits').select('count').where('key', '=', key).where('reset_at', '>', now).executeTakeFirst();
    return row ? Number(row.count) : 0;
  }

  async clear(key: string): Promise<void> {
    await this.db.deleteFrom('rate_limits').where('key', '=', key).execute();
  }
}
