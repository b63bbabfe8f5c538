import type { Kysely, Selectable } from 'kysely';
import type { BackchannelQueueTable, Database } from './schema.js';

export type BackchannelJob = Selectable<BackchannelQueueTable>;

/** The durable queue of back-channel logout notifications: it survives restarts and is shared by nodes. */
export class BackchannelRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** For each browser session (by its public sid), the clients that got tokens in it. */
  async clientsOfSessions(sids: string[]): Promise<{ sid: string; clientId: string }[]> {
    if (sids.length === 0) return [];
    const rows = await this.db.selectFrom('grants').select(['session_id', 'client_id']).distinct().where('session_id', 'in', sids).execute();
    return rows.map((r) => ({ sid: r.session_id!, clientId: r.client_id }));
  }

  async enqueue(jobs: BackchannelQueueTable[]): Promise<void> {
    if (jobs.length) await this.db.insertInto('backchannel_queue').values(jobs).execute();
  }

  async due(now: number, limit: number): Promise<BackchannelJob[]> {
    return this.db.selectFrom('backchannel_queue').selectAll().where('next_attempt_at', '<=', now).orderBy('next_attempt_at').limit(limit).execute();
  }

  /** Claims a job for one delivery attempt (no other node sends it meanwhile); false if another node did. */
  async claim(job: BackchannelJob, until: number): Promise<boolean> {
    const r = await this.db.updateTable('backchannel_queue').set({ next_attempt_at: until }).where('id', '=', job.id).where('next_attempt_at', '=', job.next_attempt_at).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async done(id: string): Promise<void> {
    await this.db.deleteFrom('backchannel_queue').where('id', '=', id).execute();
  }

  async retryLater(id: string, attempts: number, next: number, error: string): Promise<void> {
    await this.db.updateTable('backchannel_queue').set({ attempts, next_attempt_at: next, last_error: error.slice(0, 500) }).where('id', '=', id).execute();
  }

  async pending(): Promise<BackchannelJob[]> {
    return this.db.selectFrom('backchannel_queue').selectAll().orderBy('created_at').execute();
  }
}
