import type { Kysely, Selectable } from 'kysely';
import type { CodesTable, Database, RefreshTokensTable } from './schema.js';

export type CodeRow = Selectable<CodesTable>;
export type RefreshTokenRow = Selectable<RefreshTokensTable>;

/** Authorization codes and refresh tokens: single-use by a conditional update, never read-then-write. */
export class CodeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insertCode(row: CodesTable): Promise<void> {
    await this.db.insertInto('codes').values(row).execute();
  }

  async findCode(codeHash: string): Promise<CodeRow | undefined> {
    return this.db.selectFrom('codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
  }

  /** Marks the code used; false when it had been used already (a replay or a lost race). */
  async consumeCode(codeHash: string, now: number): Promise<boolean> {
    const r = await this.db.updateTable('codes').set({ used_at: now }).where('code_hash', '=', codeHash).where('used_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async insertRefreshToken(row: RefreshTokensTable): Promise<void> {
    await this.db.insertInto('refresh_tokens').values(row).execute();
  }

  /** Rotates a refresh token once; false when it had been rotated already (reuse or a lost race). */
  async rotateRefreshToken(tokenHash: string, now: number): Promise<boolean> {
    const r = await this.db.updateTable('refresh_tokens').set({ rotated_at: now }).where('token_hash', '=', tokenHash).where('rotated_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async findRefreshToken(tokenHash: string): Promise<RefreshTokenRow | undefined> {
    return this.db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }
}
