import type { Kysely, Selectable } from 'kysely';
import type { Database, GrantsTable } from './schema.js';

export type GrantRow = Selectable<GrantsTable>;

export class GrantRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(grant: GrantsTable): Promise<void> {
    await this.db.insertInto('grants').values(grant).execute();
  }

  async get(id: string): Promise<GrantRow | undefined> {
    return this.db.selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Marks the grant revoked; every token of the grant is refused from then on. */
  async revoke(id: string, now: number, reason: string): Promise<boolean> {
    const result = await this.db
      .updateTable('grants')
      .set({ revoked_at: now, revoked_reason: reason })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Revokes every grant of a subject (user removal). */
  async revokeAllForSubject(sub: string, now: number, reason: string): Promise<number> {
    const result = await this.db.updateTable('grants').set({ revoked_at: now, revoked_reason: reason }).where('sub', '=', sub).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
