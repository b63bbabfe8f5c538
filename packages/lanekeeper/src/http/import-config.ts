import type { Config } from '../config/load.js';
import type { Registry } from '../clients/registry.js';
import type { UserDirectory } from '../users/directory.js';
import type { Store } from '../store/index.js';
import { nowSeconds } from '../store/index.js';

const PROFILE_FIELDS = ['name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'phone_number', 'phone_number_verified', 'address'] as const;

/** Imports (upserts) what the config file declares: APIs, clients, roles, then users. */
export async function importConfig(config: Config, registry: Registry, users: UserDirectory, store: Store): Promise<void> {
  await registry.importConfig(config);
  for (const role of config.roles) await store.users.upsertRole({ name: role.name, description: role.description ?? null, permissions: role.permissions }, nowSeconds());
  for (const user of config.users) {
    const claims: Record<string, unknown> = {};
    for (const field of PROFILE_FIELDS) if (user[field] !== undefined) claims[field] = user[field];
    await users.save(
      {
        email: user.email,
        ...(user.password !== undefined ? { password: user.password } : {}),
        ...(user.email_verified !== undefined ? { email_verified: user.email_verified } : {}),
        permissions: user.permissions,
        roles: user.roles,
        claims,
      },
      'config',
    );
  }
}
