import type { Permissions, Store, UserRecord } from '../store/index.js';
import { nowSeconds } from '../store/index.js';
import { randomId } from '../util/hash.js';
import { PREFIX } from '../util/prefixes.js';
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, verifyPassword } from './password.js';
import { looksLikeEmail, normalizeEmail } from './email.js';
import { PROFILE_CLAIM_NAMES } from './claims.js';

export class UserError extends Error {
  override name = 'UserError';
}

export interface UserInput {
  email: string;
  password?: string;
  email_verified?: boolean;
  permissions?: Permissions;
  roles?: string[];
  claims?: Record<string, unknown>;
}

export function checkPasswordPolicy(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new UserError(`a password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH) throw new UserError(`a password has at most ${MAX_PASSWORD_LENGTH} characters`);
}

/** The user directory: accounts, passwords (argon2id), profile claims and permissions. */
export class UserDirectory {
  constructor(private readonly store: Store) {}

  async findByEmail(email: string): Promise<UserRecord | undefined> {
    return this.store.users.getByEmail(normalizeEmail(email));
  }

  async get(id: string): Promise<UserRecord | undefined> {
    return this.store.users.get(id);
  }

  /** Creates or updates (by email) a user. Unknown claim names are refused. */
  async save(input: UserInput, source: UserRecord['source']): Promise<UserRecord> {
    const email = normalizeEmail(input.email);
    if (!looksLikeEmail(email)) throw new UserError(`"${input.email}" is not an email address`);
    for (const claim of Object.keys(input.claims ?? {})) {
      if (!PROFILE_CLAIM_NAMES.has(claim)) throw new UserError(`user ${email}: "${claim}" is not a standard profile claim`);
    }
    for (const role of input.roles ?? []) {
      if ((await this.store.users.getRoles([role])).length === 0) throw new UserError(`user ${email}: unknown role "${role}"`);
    }
    const existing = await this.store.users.getByEmail(email);
    let passwordHash = existing?.passwordHash ?? null;
    if (input.password !== undefined) {
      checkPasswordPolicy(input.password);
      if (!existing?.passwordHash || !(await verifyPassword(input.password, existing.passwordHash))) passwordHash = await hashPassword(input.password);
    }
    const now = nowSeconds();
    const user: UserRecord = {
      id: existing?.id ?? randomId(PREFIX.user),
      email,
      passwordHash,
      claims: input.claims ?? existing?.claims ?? {},
      emailVerified: input.email_verified ?? existing?.emailVerified ?? false,
      permissions: input.permissions ?? existing?.permissions ?? {},
      roles: input.roles ?? existing?.roles ?? [],
      disabledAt: existing?.disabledAt ?? null,
      source,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    if (existing) await this.store.users.update(user);
    else await this.store.users.insert(user);
    return user;
  }

  async setPassword(email: string, password: string): Promise<UserRecord> {
    checkPasswordPolicy(password);
    const user = await this.findByEmail(email);
    if (!user) throw new UserError(`no user "${email}"`);
    const updated = { ...user, passwordHash: await hashPassword(password), updatedAt: nowSeconds() };
    await this.store.users.update(updated);
    return updated;
  }

  /** Checks credentials; undefined for a wrong email or password alike (and the same work for both). */
  async authenticate(email: string, password: string): Promise<UserRecord | undefined> {
    const user = await this.findByEmail(email);
    const ok = await verifyPassword(password, user?.passwordHash);
    if (!ok || !user || user.disabledAt !== null) return undefined;
    return user;
  }

  /** What the user may do at each API: direct permissions plus those of the user's roles. */
  async permissions(user: UserRecord): Promise<Permissions> {
    const out: Record<string, Set<string>> = {};
    const add = (p: Permissions) => {
      for (const [api, scopes] of Object.entries(p)) for (const s of scopes) (out[api] ??= new Set()).add(s);
    };
    add(user.permissions);
    for (const role of await this.store.users.getRoles(user.roles)) add(role.permissions);
    return Object.fromEntries(Object.entries(out).map(([api, set]) => [api, [...set]]));
  }
}
