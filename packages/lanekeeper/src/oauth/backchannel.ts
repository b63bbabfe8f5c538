import { randomBytes } from 'node:crypto';
import type { Store } from '../store/index.js';
import { nowSeconds } from '../store/index.js';

/**
 * Queues a back-channel logout notification for every client that got tokens in the ended
 * sessions and registered a backchannel_logout_uri. The queue is in the store: a notification
 * survives a restart and is sent by whichever node gets to it.
 */
export async function queueBackchannelLogout(store: Store, sub: string, sids: string[]): Promise<number> {
  return queueForSessions(store, sids.map((sid) => ({ sid, userId: sub })));
}

/** The same for many sessions at once (one query for their clients), as the sweep ends expired ones. */
export async function queueForSessions(store: Store, sessions: { sid: string; userId: string }[]): Promise<number> {
  const now = nowSeconds();
  const owner = new Map(sessions.map((s) => [s.sid, s.userId]));
  const wants = new Map<string, boolean>();
  const jobs = [];
  for (const { sid, clientId } of await store.backchannel.clientsOfSessions([...owner.keys()])) {
    if (!wants.has(clientId)) wants.set(clientId, Boolean((await store.clients.get(clientId))?.backchannelLogoutUri));
    if (!wants.get(clientId)) continue;
    jobs.push({ id: randomBytes(12).toString('base64url'), client_id: clientId, sub: owner.get(sid)!, sid, attempts: 0, next_attempt_at: now, created_at: now, last_error: null });
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
