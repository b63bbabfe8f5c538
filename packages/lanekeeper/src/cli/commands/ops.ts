import type { Command } from 'commander';
import { nowSeconds } from '../../store/index.js';
import { withStore, type GlobalOptions } from '../context.js';
import { CliError, emit, isoTime, printTable } from '../output.js';

/** `1h`, `30m`, `7d`, `45s`, or an ISO date → epoch seconds. */
export function parseSince(value: string): number {
  const m = /^(\d+)([smhd])$/.exec(value);
  if (m) return nowSeconds() - Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as 's' | 'm' | 'h' | 'd'];
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new CliError(`--since: "${value}" is neither a duration (30m, 2h, 7d) nor a date`, 2);
  return Math.floor(t / 1000);
}

export function opsCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('purge')
    .description('delete expired codes, tokens, sessions, replay-cache entries and old audit events now (the server also does this in the background)')
    .action(async () => {
      const g = globals();
      await withStore(g, async ({ store, config }) => {
        const { Sweeper } = await import('../../maintenance/sweep.js');
        const report = await new Sweeper(store, { eventRetentionDays: config.maintenance.event_retention_days }).sweep();
        if (!report.ran) throw new CliError('another node is sweeping right now; try again in a minute');
        emit({ json: !!g.json }, report.deleted, () => printTable(Object.entries(report.deleted).map(([table, rows]) => ({ table, rows })), ['table', 'rows']));
      });
    });

  program
    .command('events')
    .description('show the audit trail: logins, consents, tokens issued, reuse detected, admin changes')
    .option('--since <when>', 'a duration (30m, 2h, 7d) or a date', '24h')
    .option('--type <type>', 'one event type, or a family like login.*')
    .option('--limit <n>', 'at most this many', '1000')
    .action(async (opts) => {
      const g = globals();
      await withStore(g, async ({ store }) => {
        const rows = await store.events.list({ since: parseSince(opts.since), ...(opts.type ? { type: opts.type } : {}), limit: Number(opts.limit) });
        const events = rows.map((r) => ({ at: isoTime(r.at), type: r.type, actor: r.actor, user: r.user_id, client: r.client_id, details: JSON.parse(r.details) as Record<string, unknown> }));
        emit({ json: !!g.json }, events, () => printTable(events, ['at', 'type', 'actor', 'client', 'details']));
      });
    });

  const grant = program.command('grant').description("manage grants: one user's consent to one app, or one machine issuance");
  grant
    .command('list')
    .description('list grants')
    .option('--user <email>', 'only this user')
    .option('--client <client_id>', 'only this client')
    .option('--all', 'include revoked grants', false)
    .action(async (opts) => {
      const g = globals();
      await withStore(g, async ({ store }) => {
        let sub: string | undefined;
        if (opts.user) {
          const { normalizeEmail } = await import('../../users/email.js');
          const user = await store.users.getByEmail(normalizeEmail(opts.user));
          if (!user) throw new CliError(`no user "${opts.user}"`);
          sub = user.id;
        }
        const rows = await store.grants.list({ ...(sub ? { sub } : {}), ...(opts.client ? { clientId: opts.client } : {}), live: !opts.all });
        const grants = rows.map((r) => ({ id: r.id, kind: r.kind, client: r.client_id, sub: r.sub, created_at: isoTime(r.created_at), revoked_at: isoTime(r.revoked_at), reason: r.revoked_reason }));
        emit({ json: !!g.json }, grants, () => printTable(grants, ['id', 'client', 'sub', 'created_at', 'revoked_at', 'reason']));
      });
    });
  grant
    .command('revoke <grant_id>')
    .description("revoke a grant: its refresh tokens stop working and introspection reports its access tokens inactive")
    .action(async (id: string) => {
      const g = globals();
      await withStore(g, async ({ store, audit }) => {
        const found = await store.grants.get(id);
        if (!found) throw new CliError(`no grant "${id}"`);
        await store.grants.revoke(id, nowSeconds(), 'admin');
        audit({ type: 'grant.revoked', userId: found.sub, clientId: found.client_id, details: { grant: id } });
        emit({ json: !!g.json }, { revoked: id }, () => process.stdout.write(`revoked grant ${id}\n`));
      });
    });
}
