import type { Kysely, Selectable } from 'kysely';
import type { Database, OpaqueTokensTable } from './schema.js';

export type OpaqueTokenRow = Selectable<OpaqueTokensTable>;

export class OpaqueTokenRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: OpaqueTokensTable): Promise<void> {
    await this.db.insertInto('opaque_tokens').values(row).execute();
  }

  async findByHash(tokenHash: string): Promise<OpaqueTokenRow | undefined> {
    return this.db.selectFrom('opaque_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  async revoke(tokenHash: string, now: number): Promise<void> {
    await this.db.updateTable('opaque_tokens').set({ revoked_at: now }).where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).execute();
  }
}
