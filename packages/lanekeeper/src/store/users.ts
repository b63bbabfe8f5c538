import type { Kysely, Selectable } from 'kysely';
import type { Database, RolesTable, UsersTable } from './schema.js';

export type Permissions = Record<string, string[]>;

export interface UserRecord {
  id: string;
  email: string;
  passwordHash: string | null;
  claims: Record<string, unknown>;
  emailVerified: boolean;
  permissions: Permissions;
  roles: string[];
  disabledAt: number | null;
  source: 'config' | 'cli';
  createdAt: number;
  updatedAt: number;
}

export interface RoleRecord {
  name: string;
  description: string | null;
  permissions: Permissions;
}

function fromRow(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    email: row.email,
    passwordHash: row.password_hash,
    claims: JSON.parse(row.claims) as Record<string, unknown>,
    emailVerified: Number(row.email_verified) === 1,
    permissions: JSON.parse(row.permissions) as Permissions,
    roles: JSON.parse(row.roles) as string[],
    disabledAt: row.disabled_at === null ? null : Number(row.disabled_at),
    source: row.source,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toRow(u: UserRecord): UsersTable {
  return {
    id: u.id,
    email: u.email,
    password_hash: u.passwordHash,
    claims: JSON.stringify(u.claims),
    email_verified: u.emailVerified ? 1 : 0,
    permissions: JSON.stringify(u.permissions),
    roles: JSON.stringify(u.roles),
    disabled_at: u.disabledAt,
    source: u.source,
    created_at: u.createdAt,
    updated_at: u.updatedAt,
  };
}

export class UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(id: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && fromRow(row);
  }

  /** `email` must already be normalised (see users/email.ts). */
  async getByEmail(email: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    return row && fromRow(row);
  }

  async list(): Promise<UserRecord[]> {
    return (await this.db.selectFrom('users').selectAll().orderBy('email').execute()).map(fromRow);
  }

  async insert(user: UserRecord): Promise<void> {
    await this.db.insertInto('users').values(toRow(user)).execute();
  }

  async update(user: UserRecord): Promise<void> {
    const { id, created_at: _c, ...changes } = toRow(user);
    await this.db.updateTable('users').set(changes).where('id', '=', id).execute();
  }

  async remove(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async getRoles(names: string[]): Promise<RoleRecord[]> {
    if (names.length === 0) return [];
    const rows = await this.db.selectFrom('roles').selectAll().where('name', 'in', names).execute();
    return rows.map((r) => ({ name: r.name, description: r.description, permissions: JSON.parse(r.permissions) as Permissions }));
  }

  async listRoles(): Promise<RoleRecord[]> {
    const rows = await this.db.selectFrom('roles').selectAll().orderBy('name').execute();
    return rows.map((r) => ({ name: r.name, description: r.description, permissions: JSON.parse(r.permissions) as Permissions }));
  }

  async upsertRole(role: RoleRecord, now: number): Promise<void> {
    const row: RolesTable = { name: role.name, description: role.description, permissions: JSON.stringify(role.permissions), created_at: now, updated_at: now };
    await this.db
      .insertInto('roles')
      .values(row)
      .onConflict((oc) => oc.column('name').doUpdateSet({ description: row.description, permissions: row.permissions, updated_at: now }))
      .execute();
  }
}
