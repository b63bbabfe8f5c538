import type { Command } from 'commander';
import type { Store, UserRecord } from '../../store/index.js';
import { nowSeconds } from '../../store/index.js';
import { withStore, type GlobalOptions } from '../context.js';
import { CliError, emit, isoTime, printRecord, printTable } from '../output.js';
import { readPassword } from '../password-input.js';
import { collect } from './parse.js';

/** Ends a user's browser sessions, revokes their grants (every refresh-token family) and notifies apps, on every node at once. */
async function endEverything(store: Store, userId: string, reason: string): Promise<void> {
  const { endUserSessions } = await import('../../oauth/backchannel.js');
  await endUserSessions(store, userId, reason);
}

const directory = async () => (await import('../../users/directory.js')).UserDirectory;

function view(u: UserRecord) {
  return {
    sub: u.id,
    email: u.email,
    email_verified: u.emailVerified,
    ...u.claims,
    permissions: u.permissions,
    roles: u.roles,
    disabled: u.disabledAt !== null,
    has_password: u.passwordHash !== null,
    created_at: isoTime(u.createdAt),
    updated_at: isoTime(u.updatedAt),
  };
}

/** `--permission https://calendar.example.com=read:calendar,write:calendar` */
function parsePermissions(values: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const v of values) {
    const eq = v.lastIndexOf('=');
    if (eq < 0) throw new CliError(`--permission: expected <api>=<scope>,<scope> (got "${v}")`, 2);
    out[v.slice(0, eq)] = v.slice(eq + 1).split(',').filter(Boolean);
  }
  return out;
}

export function userCommands(program: Command, globals: () => GlobalOptions): void {
  const user = program.command('user').description('manage users (people who sign in)');

  user
    .command('add <email>')
    .description('add or update a user; the password is asked at a prompt, or read with --password-stdin (never a flag)')
    .option('--name <name>', 'full name')
    .option('--given-name <name>')
    .option('--family-name <name>')
    .option('--picture <url>')
    .option('--email-verified', 'mark the email address as verified', false)
    .option('--permission <api=scopes>', 'what the user may do at an API (repeatable)', collect, [])
    .option('--role <role>', 'a role (repeatable)', collect, [])
    .option('--password-stdin', 'read the password from stdin', false)
    .option('--no-password', 'create the user without a password')
    .action(async (email: string, opts) => {
      const g = globals();
      const password = opts.password === false ? undefined : await readPassword(opts.passwordStdin);
      await withStore(g, async ({ store, audit }) => {
        const claims: Record<string, unknown> = {};
        if (opts.name) claims.name = opts.name;
        if (opts.givenName) claims.given_name = opts.givenName;
        if (opts.familyName) claims.family_name = opts.familyName;
        if (opts.picture) claims.picture = opts.picture;
        const UserDirectory = await directory();
        const existing = await new UserDirectory(store).findByEmail(email);
        const saved = await new UserDirectory(store).save(
          {
            email,
            ...(password !== undefined ? { password } : {}),
            email_verified: opts.emailVerified || existing?.emailVerified || false,
            ...(opts.permission.length ? { permissions: parsePermissions(opts.permission) } : {}),
            ...(opts.role.length ? { roles: opts.role } : {}),
            ...(Object.keys(claims).length ? { claims: { ...existing?.claims, ...claims } } : {}),
          },
          'cli',
        );
        audit({ type: 'user.changed', userId: saved.id, details: { action: existing ? 'updated' : 'added' } });
        emit({ json: !!g.json }, view(saved), () => printRecord(view(saved)));
      });
    });

  user
    .command('list')
    .description('list users')
    .action(async () => {
      const g = globals();
      await withStore(g, async ({ store }) => {
        const users = (await store.users.list()).map(view);
        emit({ json: !!g.json }, users, () => printTable(users, ['sub', 'email', 'name', 'roles', 'disabled']));
      });
    });

  user
    .command('show <email>')
    .description('show one user')
    .action(async (email: string) => {
      const g = globals();
      await withStore(g, async ({ store }) => {
        const found = await new (await directory())(store).findByEmail(email);
        if (!found) throw new CliError(`no user "${email}"`);
        emit({ json: !!g.json }, view(found), () => printRecord(view(found)));
      });
    });

  user
    .command('remove <email>')
    .description('remove a user: their sessions end and their grants are revoked')
    .action(async (email: string) => {
      const g = globals();
      await withStore(g, async ({ store, audit }) => {
        const found = await new (await directory())(store).findByEmail(email);
        if (!found) throw new CliError(`no user "${email}"`);
        await endEverything(store, found.id, 'user_removed');
        await store.users.remove(found.id);
        audit({ type: 'user.changed', userId: found.id, details: { action: 'removed' } });
        emit({ json: !!g.json }, { removed: found.email, sub: found.id }, () => process.stdout.write(`removed user ${found.email}\n`));
      });
    });

  user
    .command('set-password <email>')
    .description('set a new password (asked at a prompt, or read with --password-stdin)')
    .option('--password-stdin', 'read the password from stdin', false)
    .action(async (email: string, opts) => {
      const g = globals();
      const password = await readPassword(opts.passwordStdin, 'New password: ');
      await withStore(g, async ({ store, audit }) => {
        const user = await new (await directory())(store).setPassword(email, password);
        await endEverything(store, user.id, 'password_changed');
        audit({ type: 'user.changed', userId: user.id, details: { action: 'password changed' } });
        emit({ json: !!g.json }, { updated: email }, () => process.stdout.write(`password changed for ${email}\n`));
      });
    });

  for (const [name, disable] of [['disable', true], ['enable', false]] as const) {
    user
      .command(`${name} <email>`)
      .description(disable ? 'disable a user: sessions end and grants are revoked at once; sign-in is refused' : 'enable a disabled user')
      .action(async (email: string) => {
        const g = globals();
        await withStore(g, async ({ store, audit }) => {
          const found = await new (await directory())(store).findByEmail(email);
          if (!found) throw new CliError(`no user "${email}"`);
          await store.users.update({ ...found, disabledAt: disable ? nowSeconds() : null, updatedAt: nowSeconds() });
          if (disable) await endEverything(store, found.id, 'user_disabled');
          audit({ type: 'user.changed', userId: found.id, details: { action: disable ? 'disabled' : 'enabled' } });
          emit({ json: !!g.json }, { email: found.email, disabled: disable }, () => process.stdout.write(`${disable ? 'disabled' : 'enabled'} ${found.email}\n`));
        });
      });
  }
}
