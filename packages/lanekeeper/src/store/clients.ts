import type { Kysely, Selectable } from 'kysely';
import type { ClientsTable, Database } from './schema.js';

export interface ClientRecord {
  clientId: string;
  clientName: string | null;
  secretHash: string | null;
  tokenEndpointAuthMethod: string;
  grantTypes: string[];
  /** API identifier → scopes this client may use there */
  apis: Record<string, string[]>;
  defaultApi: string | null;
  jwks: { keys: Record<string, unknown>[] } | null;
  jwksUri: string | null;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  firstParty: boolean;
  idTokenSignedResponseAlg: string;
  dpopBoundAccessTokens: boolean;
  backchannelLogoutUri: string | null;
  backchannelLogoutSessionRequired: boolean;
  source: 'config' | 'cli' | 'dynamic' | 'metadata_document';
  createdAt: number;
  updatedAt: number;
  /** Self-registered clients (dynamic, metadata document): RFC 7591 application_type. */
  applicationType?: 'web' | 'native';
  /** Self-asserted logo and home page, shown on the consent page. */
  logoUri?: string;
  clientUri?: string;
}

function fromRow(row: Selectable<ClientsTable>): ClientRecord {
  return {
    clientId: row.client_id,
    clientName: row.client_name,
    secretHash: row.secret_hash,
    tokenEndpointAuthMethod: row.token_endpoint_auth_method,
    grantTypes: JSON.parse(row.grant_types) as string[],
    apis: JSON.parse(row.apis) as Record<string, string[]>,
    defaultApi: row.default_api,
    jwks: row.jwks ? (JSON.parse(row.jwks) as ClientRecord['jwks']) : null,
    jwksUri: row.jwks_uri,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    postLogoutRedirectUris: JSON.parse(row.post_logout_redirect_uris) as string[],
    firstParty: Number(row.first_party) === 1,
    idTokenSignedResponseAlg: row.id_token_signed_response_alg,
    dpopBoundAccessTokens: Number(row.dpop_bound_access_tokens) === 1,
    backchannelLogoutUri: row.backchannel_logout_uri,
    backchannelLogoutSessionRequired: Number(row.backchannel_logout_session_required) === 1,
    source: row.source,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toRow(c: ClientRecord): ClientsTable {
  return {
    client_id: c.clientId,
    client_name: c.clientName,
    secret_hash: c.secretHash,
    token_endpoint_auth_method: c.tokenEndpointAuthMethod,
    grant_types: JSON.stringify(c.grantTypes),
    apis: JSON.stringify(c.apis),
    default_api: c.defaultApi,
    jwks: c.jwks ? JSON.stringify(c.jwks) : null,
    jwks_uri: c.jwksUri,
    redirect_uris: JSON.stringify(c.redirectUris),
    post_logout_redirect_uris: JSON.stringify(c.postLogoutRedirectUris),
    first_party: c.firstParty ? 1 : 0,
    id_token_signed_response_alg: c.idTokenSignedResponseAlg,
    dpop_bound_access_tokens: c.dpopBoundAccessTokens ? 1 : 0,
    backchannel_logout_uri: c.backchannelLogoutUri,
    backchannel_logout_session_required: c.backchannelLogoutSessionRequired ? 1 : 0,
    source: c.source,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  };
}

export class ClientRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(clientId: string): Promise<ClientRecord | undefined> {
    const row = await this.db.selectFrom('clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
    return row && fromRow(row);
  }

  async list(): Promise<ClientRecord[]> {
    const rows = await this.db.selectFrom('clients').selectAll().orderBy('client_id').execute();
    return rows.map(fromRow);
  }

  async upsert(client: ClientRecord): Promise<void> {
    const row = toRow(client);
    const { client_id: _id, created_at: _created, ...changes } = row;
    await this.db
      .insertInto('clients')
      .values(row)
      .onConflict((oc) => oc.column('client_id').doUpdateSet(changes))
      .execute();
  }

  async setSecretHash(clientId: string, secretHash: string, now: number): Promise<boolean> {
    const result = await this.db.updateTable('clients').set({ secret_hash: secretHash, updated_at: now }).where('client_id', '=', clientId).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async remove(clientId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('clients').where('client_id', '=', clientId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
