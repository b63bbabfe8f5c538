import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** The `jti` deny-list of revoked JWT access tokens, and the replay cache of client assertions. */
export class JtiRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async deny(jti: string, expiresAt: number): Promise<void> {
    await this.db
      .insertInto('revoked_jtis')
      .values({ jti, expires_at: expiresAt })
      .onConflict((oc) => oc.column('jti').doNothing())
      .execute();
  }

  async isDenied(jti: string): Promise<boolean> {
    const row = await this.db.selectFrom('revoked_jtis').select('jti').where('jti', '=', jti).executeTakeFirst();
    return row !== undefined;
  }

  /** Records a client assertion's jti; false when it was seen before (a replay). Atomic across nodes. */
  async useAssertionOnce(clientId: string, jti: string, expiresAt: number): Promise<boolean> {
    const result = await this.db
      .insertInto('used_assertions')
      .values({ id: `${clientId} ${jti}`, expires_at: expiresAt })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  /** Records a key once across all nodes (DPoP proof jti); false when it was seen before. */
  async useOnce(key: string, expiresAt: number): Promise<boolean> {
    const result = await this.db
      .insertInto('used_assertions')
      .values({ id: key, expires_at: expiresAt })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }
}
