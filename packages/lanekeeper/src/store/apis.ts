import type { Kysely, Selectable } from 'kysely';
import type { ApisTable, Database } from './schema.js';

export interface ApiRecord {
  identifier: string;
  name: string;
  scopes: Record<string, string>;
  tokenFormat: 'jwt' | 'opaque';
  signingAlg: string;
  accessTokenTtl: number;
  introspectionClientId: string | null;
  introspectionSecretHash: string | null;
  source: 'config' | 'cli';
  createdAt: number;
  updatedAt: number;
}

function fromRow(row: Selectable<ApisTable>): ApiRecord {
  return {
    identifier: row.identifier,
    name: row.name,
    scopes: JSON.parse(row.scopes) as Record<string, string>,
    tokenFormat: row.token_format,
    signingAlg: row.signing_alg,
    accessTokenTtl: Number(row.access_token_ttl),
    introspectionClientId: row.introspection_client_id,
    introspectionSecretHash: row.introspection_secret_hash,
    source: row.source,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toRow(api: ApiRecord): ApisTable {
  return {
    identifier: api.identifier,
    name: api.name,
    scopes: JSON.stringify(api.scopes),
    token_format: api.tokenFormat,
    signing_alg: api.signingAlg,
    access_token_ttl: api.accessTokenTtl,
    introspection_client_id: api.introspectionClientId,
    introspection_secret_hash: api.introspectionSecretHash,
    source: api.source,
    created_at: api.createdAt,
    updated_at: api.updatedAt,
  };
}

export class ApiRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(identifier: string): Promise<ApiRecord | undefined> {
    const row = await this.db.selectFrom('apis').selectAll().where('identifier', '=', identifier).executeTakeFirst();
    return row && fromRow(row);
  }

  async getByIntrospectionClientId(clientId: string): Promise<ApiRecord | undefined> {
    const row = await this.db.selectFrom('apis').selectAll().where('introspection_client_id', '=', clientId).executeTakeFirst();
    return row && fromRow(row);
  }

  async list(): Promise<ApiRecord[]> {
    const rows = await this.db.selectFrom('apis').selectAll().orderBy('identifier').execute();
    return rows.map(fromRow);
  }

  /** Inserts or replaces the API; created_at is kept on update. */
  async upsert(api: ApiRecord): Promise<void> {
    const row = toRow(api);
    const { identifier: _id, created_at: _created, ...changes } = row;
    await this.db
      .insertInto('apis')
      .values(row)
      .onConflict((oc) => oc.column('identifier').doUpdateSet(changes))
      .execute();
  }

  async remove(identifier: string): Promise<boolean> {
    const result = await this.db.deleteFrom('apis').where('identifier', '=', identifier).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
