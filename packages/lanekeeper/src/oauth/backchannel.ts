import { randomBytes } from 'node:crypto';
import type { Store } from '../store/index.js';
import { nowSeconds } from '../store/index.js';

/**
 * Queues a back-channel logout notification for every client that got tokens in the ended
 * sessions and registered a backchannel_logout_uri. The queue is in the store: a notification
 * survives a restart and is sent by whichever node gets to it.
 */
export async function queueBackchannelLogout(store: Store, sub: string, sids: string[]): Promise<number> {
  const now = nowSeconds();
  const jobs = [];
  for (const sid of sids) {
    for (const clientId of await store.backchannel.clientsOfSession(sid)) {
      const client = await store.clients.get(clientId);
      if (!client?.backchannelLogoutUri) continue;
      jobs.push({ id: randomBytes(12).toString('base64url'), client_id: clientId, sub, sid, attempts: 0, next_attempt_at: now, created_at: now, last_error: null });
    }
  }
  await store.backchannel.enqueue(jobs);
  return jobs.length;
}

/** Ends every session of a user (removed, disabled, new password) and tells the apps signed in with them. */
export async function endUserSessions(store: Store, userId: string, reason: string): Promise<void> {
  const now = nowSeconds();
  const sids = await store.sessions.endAllForUser(userId, now);
  await store.grants.revokeAllForSubject(userId, now, reason);
  await queueBackchannelLogout(store, userId, sids);
}
