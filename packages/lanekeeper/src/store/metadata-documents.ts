import type { Kysely } from 'kysely';
import type { Database, MetadataDocumentsTable } from './schema.js';

/**
 * Fetched Client ID Metadata Documents, shared by every node: a document fetched by one
 * node is used by all until it expires (per its Cache-Control, within bounds).
 */
export class MetadataDocumentRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The cached document, when it has not expired. */
  async get(url: string, now: number): Promise<MetadataDocumentsTable | undefined> {
    const row = await this.db.selectFrom('metadata_documents').selectAll().where('url', '=', url).where('expires_at', '>', now).executeTakeFirst();
    return row && { ...row, fetched_at: Number(row.fetched_at), expires_at: Number(row.expires_at) };
  }

  async put(row: MetadataDocumentsTable): Promise<void> {
    const { url: _url, ...changes } = row;
    await this.db
      .insertInto('metadata_documents')
      .values(row)
      .onConflict((oc) => oc.column('url').doUpdateSet(changes))
      .execute();
  }

  async remove(url: string): Promise<void> {
    await this.db.deleteFrom('metadata_documents').where('url', '=', url).execute();
  }
}
