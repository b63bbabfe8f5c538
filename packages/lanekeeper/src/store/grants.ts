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

  async list(filter: { sub?: string; clientId?: string; live?: boolean; limit?: number }): Promise<GrantRow[]> {
    let q = this.db.selectFrom('grants').selectAll();
    if (filter.sub !== undefined) q = q.where('sub', '=', filter.sub);
    if (filter.clientId !== undefined) q = q.where('client_id', '=', filter.clientId);
    if (filter.live) q = q.where('revoked_at', 'is', null);
    return q.orderBy('created_at', 'desc').limit(filter.limit ?? 500).execute();
  }

  /** Revokes every grant of a client (the client was deleted). */
  async revokeAllForClient(clientId: string, now: number, reason: string): Promise<number> {
    const result = await this.db.updateTable('grants').set({ revoked_at: now, revoked_reason: reason }).where('client_id', '=', clientId).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Revokes a user's grants for one client (the user took back an app's access). */
  async revokeForClient(sub: string, clientId: string, now: number, reason: string): Promise<number> {
    const result = await this.db.updateTable('grants').set({ revoked_at: now, revoked_reason: reason }).where('sub', '=', sub).where('client_id', '=', clientId).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
