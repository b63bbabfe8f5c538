import { openDb, migrate, type Db, type DialectName } from './open.js';
import { ApiRepository } from './apis.js';
import { ClientRepository } from './clients.js';
import { SigningKeyRepository } from './signing-keys.js';
import { GrantRepository } from './grants.js';
import { OpaqueTokenRepository } from './opaque-tokens.js';
import { JtiRepository } from './jtis.js';
import { UserRepository } from './users.js';
import { SessionRepository } from './sessions.js';
import { CodeRepository } from './codes.js';
import { RateLimitRepository } from './rate-limits.js';
import { EventRepository } from './events.js';
import { MaintenanceRepository } from './maintenance.js';
import { BackchannelRepository } from './backchannel.js';
import { MetadataDocumentRepository } from './metadata-documents.js';
import { ClientRegistrationRepository } from './client-registrations.js';

export type { ApiRecord } from './apis.js';
export type { ClientRecord } from './clients.js';
export type { SigningKeyRow } from './signing-keys.js';
export type { GrantRow } from './grants.js';
export type { OpaqueTokenRow } from './opaque-tokens.js';
export type { UserRecord, RoleRecord, Permissions } from './users.js';
export type { SessionRow, InteractionRow } from './sessions.js';
export type { CodeRow, RefreshTokenRow } from './codes.js';
export type { EventRow } from './events.js';
export type { BackchannelJob } from './backchannel.js';
export { nowSeconds } from './time.js';
export { isUniqueViolation } from './signing-keys.js';

/** The database and one repository per table group. */
export interface Store {
  dialect: DialectName;
  db: Db;
  apis: ApiRepository;
  clients: ClientRepository;
  keys: SigningKeyRepository;
  grants: GrantRepository;
  opaqueTokens: OpaqueTokenRepository;
  jtis: JtiRepository;
  users: UserRepository;
  sessions: SessionRepository;
  codes: CodeRepository;
  rateLimits: RateLimitRepository;
  events: EventRepository;
  maintenance: MaintenanceRepository;
  backchannel: BackchannelRepository;
  metadataDocuments: MetadataDocumentRepository;
  clientRegistrations: ClientRegistrationRepository;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** Run migrations first (default true). */
  migrate?: boolean;
}

export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const db = await openDb(url);
  try {
    if (options.migrate !== false) await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  const k = db.kysely;
  return {
    dialect: db.dialect,
    db,
    apis: new ApiRepository(k),
    clients: new ClientRepository(k),
    keys: new SigningKeyRepository(k),
    grants: new GrantRepository(k),
    opaqueTokens: new OpaqueTokenRepository(k),
    jtis: new JtiRepository(k),
    users: new UserRepository(k),
    sessions: new SessionRepository(k),
    codes: new CodeRepository(k),
    rateLimits: new RateLimitRepository(k),
    events: new EventRepository(k),
    maintenance: new MaintenanceRepository(k),
    backchannel: new BackchannelRepository(k),
    metadataDocuments: new MetadataDocumentRepository(k),
    clientRegistrations: new ClientRegistrationRepository(k),
    close: () => db.close(),
  };
}

export { migrate, openDb };
