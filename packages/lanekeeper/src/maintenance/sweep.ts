import { randomBytes } from 'node:crypto';
import type { Store } from '../store/index.js';
import { nowSeconds } from '../store/index.js';
import { queueForSessions } from '../oauth/backchannel.js';

export interface SweepOptions {
  /** Rows per delete statement. */
  batch?: number;
  /** Keep audit events this many days. */
  eventRetentionDays: number;
  /** Keep a revoked or ended row this long after it stopped mattering, seconds (for investigations). */
  grace?: number;
}

export interface SweepReport {
  ran: boolean;
  deleted: Record<string, number>;
}

const LEASE = 'sweep';
const LEASE_TTL = 120;

/**
 * Purges dead rows: expired codes, refresh tokens, grants, opaque tokens, jti deny-list and
 * replay-cache entries, sessions, interactions, rate-limit windows, and audit events past
 * retention. One node at a time (a lease row); small batches so the token path never waits.
 */
export class Sweeper {
  private readonly holder = randomBytes(8).toString('hex');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly options: SweepOptions,
  ) {}

  async sweep(): Promise<SweepReport> {
    const m = this.store.maintenance;
    const now = nowSeconds();
    if (!(await m.acquireLease(LEASE, this.holder, now, LEASE_TTL))) return { ran: false, deleted: {} };
    const batch = this.options.batch ?? 1000;
    const grace = this.options.grace ?? 0;
    const deleted: Record<string, number> = {};
    const purge = async (table: Parameters<typeof m.purgeBatch>[0], key: string, column: string, before: number, extra?: string) => {
      let total = 0;
      for (;;) {
        const n = await m.purgeBatch(table, key, column, before, batch, extra);
        total += n;
        if (n < batch) break;
        await m.acquireLease(LEASE, this.holder, nowSeconds(), LEASE_TTL);
      }
      deleted[table] = (deleted[table] ?? 0) + total;
    };
    try {
      await purge('codes', 'code_hash', 'expires_at', now - grace);
      await purge('refresh_tokens', 'token_hash', 'expires_at', now - grace);
      await purge('opaque_tokens', 'token_hash', 'expires_at', now - grace);
      await purge('revoked_jtis', 'jti', 'expires_at', now);
      await purge('used_assertions', 'id', 'expires_at', now);
      // Sessions that simply expired still end for the apps: they get a back-channel logout.
      for (;;) {
        const expired = await this.store.sessions.endExpired(now, batch);
        await queueForSessions(this.store, expired);
        deleted.sessions_ended = (deleted.sessions_ended ?? 0) + expired.length;
        if (expired.length < batch) break;
      }
      await purge('sessions', 'id', 'expires_at', now - grace);
      await purge('interactions', 'id', 'expires_at', now);
      await purge('rate_limits', 'key', 'reset_at', now);
      await purge('metadata_documents', 'url', 'expires_at', now);
      // A grant outlives its tokens: it goes once its refresh family has ended.
      await purge('grants', 'id', 'expires_at', now - grace, 'expires_at is not null');
      await purge('events', 'id', 'at', now - this.options.eventRetentionDays * 86_400);
      await m.markDone(LEASE, nowSeconds());
      return { ran: true, deleted };
    } finally {
      await m.releaseLease(LEASE, this.holder);
    }
  }

  start(intervalSeconds: number, onError: (err: unknown) => void): void {
    this.stop();
    this.timer = setInterval(() => void this.sweep().catch(onError), intervalSeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
