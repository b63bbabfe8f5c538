import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

type SweepTable = 'codes' | 'refresh_tokens' | 'revoked_jtis' | 'used_assertions' | 'sessions' | 'interactions' | 'rate_limits' | 'grants' | 'opaque_tokens' | 'events' | 'metadata_documents';

/** Leases (one node at a time for background work) and batched purges of dead rows. */
export class MaintenanceRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Takes or renews the named lease; false when another holder has it and it has not expired. */
  async acquireLease(name: string, holder: string, now: number, ttl: number): Promise<boolean> {
    const result = await this.db
      .insertInto('leases')
      .values({ name, holder, expires_at: now + ttl })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ holder, expires_at: now + ttl })
          .where((eb) => eb.or([eb('leases.expires_at', '<=', now), eb('leases.holder', '=', holder)])),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  /** Records when a job last finished (a row in the lease table that never blocks anyone). */
  async markDone(job: string, now: number): Promise<void> {
    const name = `${job}:done`;
    await this.db.insertInto('leases').values({ name, holder: '-', expires_at: now }).onConflict((oc) => oc.column('name').doUpdateSet({ expires_at: now })).execute();
  }

  async lastDone(job: string): Promise<number | undefined> {
    const row = await this.db.selectFrom('leases').select('expires_at').where('name', '=', `${job}:done`).executeTakeFirst();
    return row ? Number(row.expires_at) : undefined;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute();
  }

  /**
   * Deletes up to `batch` rows of `table` whose `column` is before `before`, by primary key, and
   * returns how many went. Small batches keep each statement short so the token path never waits.
   */
  async purgeBatch(table: SweepTable, key: string, column: string, before: number, batch: number, extra?: string): Promise<number> {
    const condition = extra ? sql.raw(` and ${extra}`) : sql``;
    const result = await sql`delete from ${sql.table(table)} where ${sql.ref(key)} in (select ${sql.ref(key)} from ${sql.table(table)} where ${sql.ref(column)} < ${before}${condition} limit ${batch})`.execute(this.db);
    return Number(result.numAffectedRows ?? 0n);
  }
}
