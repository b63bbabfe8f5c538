/**
 * Keeps a session's access token usable: refreshes it when it has expired or will within
 * the margin. One refresh per session at a time: two concurrent requests that both used
 * the same refresh token would look like a stolen token to Lanekeeper, which then revokes
 * the whole grant (refresh tokens rotate on every use).
 */
import type { ApiCall, Credential } from './calendar-client.js';
import type { RelyingParty } from './oidc.js';
import type { Session, SignedIn } from './session.js';

export class SignInAgain extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'SignInAgain';
  }
}

export class TokenKeeper {
  private readonly inflight = new WeakMap<Session, Promise<SignedIn>>();

  /** `marginSeconds`: refresh this long before the access token expires. */
  constructor(
    private readonly rp: RelyingParty,
    private readonly marginSeconds: number,
  ) {}

  needsRefresh(user: SignedIn, now = Date.now()): boolean {
    return user.accessTokenExpiresAt - now <= this.marginSeconds * 1000;
  }

  /** The session's access token, refreshed first if needed. Throws SignInAgain when it cannot be. */
  async accessToken(session: Session): Promise<string> {
    const user = session.user;
    if (!user) throw new SignInAgain('not signed in');
    if (!this.needsRefresh(user)) return user.accessToken;
    return (await this.refresh(session)).accessToken;
  }

  /**
   * Calls the API with the session's access token (and its DPoP key, when the token is
   * bound). If the API still answers 401 (say, the token expired between the check and
   * the call), refreshes once and retries.
   */
  async withAccessToken(session: Session, call: (credential: Credential) => Promise<ApiCall>): Promise<ApiCall> {
    const first = await call(credentialOf(session, await this.accessToken(session)));
    if (first.status !== 401 || !session.user?.refreshToken) return first;
    const refreshed = await this.refresh(session);
    return call(credentialOf(session, refreshed.accessToken));
  }

  /** Refreshes now, or joins the refresh already running for this session. */
  refresh(session: Session): Promise<SignedIn> {
    const running = this.inflight.get(session);
    if (running) return running;
    const work = this.doRefresh(session).finally(() => this.inflight.delete(session));
    this.inflight.set(session, work);
    return work;
  }

  private async doRefresh(session: Session): Promise<SignedIn> {
    const user = session.user;
    if (!user) throw new SignInAgain('not signed in');
    if (!user.refreshToken) {
      delete session.user;
      throw new SignInAgain('the access token expired and the app has no refresh token');
    }
    let next: SignedIn;
    try {
      next = await this.rp.refresh(user);
    } catch (error) {
      // invalid_grant: the grant was revoked, the refresh token expired, or the person signed out.
      if (session.user === user) delete session.user;
      throw new SignInAgain(`Lanekeeper did not refresh the access token (${(error as Error).message})`);
    }
    // Signed out meanwhile (a back-channel logout, say): the new tokens must not bring the session back.
    if (session.user !== user) throw new SignInAgain('you were signed out while the app was refreshing the access token');
    session.user = next;
    return next;
  }
}

function credentialOf(session: Session, token: string): Credential {
  const key = session.user?.dpop;
  return key ? { token, key } : { token };
}
