import type { Kysely, Selectable } from 'kysely';
import type { Database, KeyState, SigningKeysTable } from './schema.js';

export type SigningKeyRow = Selectable<SigningKeysTable>;

export class SigningKeyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Keys that are not retired: next, current and previous ones. */
  async listLive(): Promise<SigningKeyRow[]> {
    return this.db.selectFrom('signing_keys').selectAll().where('state', '!=', 'retired').orderBy('created_at').orderBy('kid').execute();
  }

  async listAll(): Promise<SigningKeyRow[]> {
    return this.db.selectFrom('signing_keys').selectAll().orderBy('created_at').orderBy('kid').execute();
  }

  /** Inserts a key; false when another node already holds the slot (unique current/next per alg). */
  async tryInsert(row: SigningKeyRow): Promise<boolean> {
    try {
      await this.db.insertInto('signing_keys').values(row).execute();
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  /** A fingerprint of the published key set, so nodes can poll for rotations made elsewhere. */
  async version(): Promise<string> {
    const rows = await this.db.selectFrom('signing_keys').select(['kid', 'state']).where('state', '!=', 'retired').orderBy('kid').execute();
    return rows.map((r) => `${r.kid}:${r.state}`).join(',');
  }

  /**
   * Rotates one algorithm in a transaction: current → previous (published until `publishUntil`),
   * next → current, and `newNext` becomes next. Returns false when there was no next key.
   */
  async rotate(alg: string, newNext: SigningKeyRow, now: number, publishUntil: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const next = await trx.selectFrom('signing_keys').select('kid').where('alg', '=', alg).where('state', '=', 'next').executeTakeFirst();
      if (!next) return false;
      await trx
        .updateTable('signing_keys')
        .set({ state: 'previous', deactivated_at: now, publish_until: publishUntil })
        .where('alg', '=', alg)
        .where('state', '=', 'current')
        .execute();
      await trx.updateTable('signing_keys').set({ state: 'current', activated_at: now }).where('kid', '=', next.kid).execute();
      await trx.insertInto('signing_keys').values(newNext).execute();
      return true;
    });
  }

  /** Previous keys whose tokens have all expired leave the JWKS. */
  async retireExpired(now: number): Promise<number> {
    const result = await this.db
      .updateTable('signing_keys')
      .set({ state: 'retired' satisfies KeyState })
      .where('state', '=', 'previous')
      .where('publish_until', '<=', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}

export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
