import type { Kysely } from 'kysely';
import type { ClientRegistrationsTable, Database } from './schema.js';

/**
 * What dynamic registration (RFC 7591) keeps beside a client's row: the hash of its
 * registration access token (RFC 7592) and the metadata that has no column in `clients`.
 */
export class ClientRegistrationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(clientId: string): Promise<ClientRegistrationsTable | undefined> {
    const row = await this.db.selectFrom('client_registrations').selectAll().where('client_id', '=', clientId).executeTakeFirst();
    return row && { ...row, created_at: Number(row.created_at) };
  }

  async insert(row: ClientRegistrationsTable): Promise<void> {
    await this.db.insertInto('client_registrations').values(row).execute();
  }

  async remove(clientId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('client_registrations').where('client_id', '=', clientId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
