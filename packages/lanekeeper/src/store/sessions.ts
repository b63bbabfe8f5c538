import type { Kysely, Selectable } from 'kysely';
import type { Database, SessionsTable, InteractionsTable, ConsentsTable } from './schema.js';

export type SessionRow = Selectable<SessionsTable>;
export type InteractionRow = Selectable<InteractionsTable>;

/** Browser sessions (SSO), pending authorization interactions, and remembered consents. */
export class SessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(row: SessionsTable): Promise<void> {
    await this.db.insertInto('sessions').values(row).execute();
  }

  /** A live session by the hash of its cookie value. */
  async findLive(idHash: string, now: number): Promise<SessionRow | undefined> {
    return this.db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', idHash)
      .where('ended_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
  }

  async touch(idHash: string, now: number): Promise<void> {
    await this.db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', idHash).execute();
  }

  async end(idHash: string, now: number): Promise<SessionRow | undefined> {
    const row = await this.db.selectFrom('sessions').selectAll().where('id', '=', idHash).executeTakeFirst();
    await this.db.updateTable('sessions').set({ ended_at: now }).where('id', '=', idHash).where('ended_at', 'is', null).execute();
    return row;
  }

  /** Sessions that reached their end of life without being ended: marks them ended and returns them. */
  async endExpired(now: number, limit: number): Promise<{ sid: string; userId: string }[]> {
    const rows = await this.db.selectFrom('sessions').select(['id', 'sid', 'user_id']).where('ended_at', 'is', null).where('expires_at', '<=', now).limit(limit).execute();
    if (rows.length) await this.db.updateTable('sessions').set({ ended_at: now }).where('id', 'in', rows.map((r) => r.id)).execute();
    return rows.map((r) => ({ sid: r.sid, userId: r.user_id }));
  }

  /** Ends every live session of a user; returns their public ids (sid). */
  async endAllForUser(userId: string, now: number): Promise<string[]> {
    const live = await this.db.selectFrom('sessions').select('sid').where('user_id', '=', userId).where('ended_at', 'is', null).execute();
    await this.db.updateTable('sessions').set({ ended_at: now }).where('user_id', '=', userId).where('ended_at', 'is', null).execute();
    return live.map((r) => r.sid);
  }

  async createInteraction(row: InteractionsTable): Promise<void> {
    await this.db.insertInto('interactions').values(row).execute();
  }

  async getInteraction(id: string, now: number): Promise<InteractionRow | undefined> {
    return this.db
      .selectFrom('interactions')
      .selectAll()
      .where('id', '=', id)
      .where('completed_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
  }

  async setInteractionUser(id: string, userId: string, sessionId: string): Promise<void> {
    await this.db.updateTable('interactions').set({ user_id: userId, session_id: sessionId }).where('id', '=', id).execute();
  }

  /** Completes an interaction once; false if it was already completed (a double submit). */
  async completeInteraction(id: string, now: number): Promise<boolean> {
    const r = await this.db.updateTable('interactions').set({ completed_at: now }).where('id', '=', id).where('completed_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async getConsent(userId: string, clientId: string): Promise<string[]> {
    const row = await this.db.selectFrom('consents').select('scopes').where('user_id', '=', userId).where('client_id', '=', clientId).executeTakeFirst();
    return row ? (JSON.parse(row.scopes) as string[]) : [];
  }

  async saveConsent(userId: string, clientId: string, scopes: string[], now: number): Promise<void> {
    const row: ConsentsTable = { user_id: userId, client_id: clientId, scopes: JSON.stringify(scopes), created_at: now, updated_at: now };
    await this.db
      .insertInto('consents')
      .values(row)
      .onConflict((oc) => oc.columns(['user_id', 'client_id']).doUpdateSet({ scopes: row.scopes, updated_at: now }))
      .execute();
  }

  async listConsents(userId: string): Promise<{ clientId: string; scopes: string[]; createdAt: number; updatedAt: number }[]> {
    const rows = await this.db.selectFrom('consents').selectAll().where('user_id', '=', userId).orderBy('updated_at', 'desc').execute();
    return rows.map((r) => ({ clientId: r.client_id, scopes: JSON.parse(r.scopes) as string[], createdAt: Number(r.created_at), updatedAt: Number(r.updated_at) }));
  }

  async removeConsent(userId: string, clientId: string): Promise<void> {
    await this.db.deleteFrom('consents').where('user_id', '=', userId).where('client_id', '=', clientId).execute();
  }
}
