import type { SessionRow, UserRecord } from '../store/index.js';
import { nowSeconds } from '../store/index.js';
import { randomId, randomToken, sha256 } from '../util/hash.js';
import type { OAuthContext } from './context.js';

export interface LiveSession {
  session: SessionRow;
  user: UserRecord;
}

/** The browser session named by the session cookie, if it is live and its user still may sign in. */
export async function loadSession(ctx: OAuthContext, cookie: string | undefined): Promise<LiveSession | undefined> {
  if (!cookie || cookie.length > 200) return undefined;
  const now = nowSeconds();
  const session = await ctx.store.sessions.findLive(sha256(cookie), now);
  if (!session) return undefined;
  if (ctx.sessionIdle > 0) {
    if (now - Number(session.last_seen_at) > ctx.sessionIdle) return undefined;
    // Only write when it matters, so busy sessions don't write on every request.
    if (now - Number(session.last_seen_at) > 60) await ctx.store.sessions.touch(session.id, now);
  }
  const user = await ctx.users.get(session.user_id);
  if (!user || user.disabledAt !== null) return undefined;
  return { session, user };
}

/** A new session (and a new session id: never reuse one across a login). Returns the cookie value. */
export async function createSession(ctx: OAuthContext, user: UserRecord, amr: string[]): Promise<{ cookie: string; session: SessionRow }> {
  const now = nowSeconds();
  const cookie = randomToken('');
  const session: SessionRow = {
    id: sha256(cookie),
    sid: randomId('', 16),
    user_id: user.id,
    auth_time: now,
    amr: JSON.stringify(amr),
    created_at: now,
    last_seen_at: now,
    expires_at: now + ctx.sessionTtl,
    ended_at: null,
  };
  await ctx.store.sessions.create(session);
  return { cookie, session };
}

/** Ends the session named by the cookie; returns it (for back-channel logout) if there was one. */
export async function endSession(ctx: OAuthContext, cookie: string | undefined): Promise<SessionRow | undefined> {
  if (!cookie) return undefined;
  return ctx.store.sessions.end(sha256(cookie), nowSeconds());
}
