/**
 * Server-side sessions. The browser holds only a random id in an HttpOnly, SameSite=Lax
 * cookie; the tokens stay on the server, in this process's memory.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiCall } from './calendar-client.js';
import type { LogoutTarget } from './logout-token.js';
import type { AppKey } from './oidc.js';

/** What the app keeps about a signed-in person. */
export interface SignedIn {
  /** The ID token's claims, validated by openid-client (signature, iss, aud, exp, nonce). */
  claims: Record<string, unknown>;
  /**
   * The ID token's `sid`: Lanekeeper's browser session this sign-in belongs to. A
   * back-channel logout token names it, and every app session with it ends.
   */
  sid?: string;
  idToken: string;
  accessToken: string;
  refreshToken?: string;
  /** When the access token expires, ms since the epoch. */
  accessTokenExpiresAt: number;
  /** The scopes the access token carries, as the token endpoint reported them. */
  scope: string;
  /** How many times the app has refreshed the access token in this session. */
  refreshes: number;
  /**
   * The DPoP key of this session (when DPoP is on): the access token is bound to it, and
   * every call to the API carries a fresh proof signed with it. Never leaves the server.
   */
  dpop?: AppKey;
}

/** An authorization request in flight: what the callback must check. */
export interface PendingLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface Notice {
  tone: 'ok' | 'error';
  title: string;
  text: string;
  /** The API's answer, shown as is when it refused. */
  call?: ApiCall;
}

/** What the token-lanes page sent: the ID token, the access token (with its proof), or the access token alone. */
export type ProbeKind = 'id' | 'access' | 'replay';

export interface ProbeResult {
  /** Which token the app sent, and how. */
  token: ProbeKind;
  call: ApiCall;
}

export interface Session {
  id: string;
  /** The CSRF token every POST form of this session carries. */
  csrf: string;
  expiresAt: number;
  pending?: PendingLogin;
  user?: SignedIn;
  /** Shown once, on the next page. */
  notice?: Notice;
  probe?: ProbeResult;
  /** The `state` sent with the logout request. */
  logoutState?: string;
}

const randomId = () => randomBytes(32).toString('base64url');

export interface SessionStoreOptions {
  cookieName: string;
  /** Path attribute of the cookie. */
  cookiePath?: string;
  /** Idle lifetime, seconds. Default 8 hours. */
  idleTtl?: number;
  /** Set the cookie's Secure attribute (when the app is served over https). */
  secure?: boolean;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly idleMs: number;

  constructor(private readonly options: SessionStoreOptions) {
    this.idleMs = (options.idleTtl ?? 8 * 3600) * 1000;
  }

  /** The request's session, or a new one (its cookie set on the reply). */
  load(request: FastifyRequest, reply: FastifyReply): Session {
    const id = request.cookies[this.options.cookieName];
    const now = Date.now();
    const found = id ? this.sessions.get(id) : undefined;
    if (found && found.expiresAt > now) {
      found.expiresAt = now + this.idleMs;
      return found;
    }
    if (found) this.sessions.delete(found.id);
    return this.create(reply);
  }

  /** The request's session if it exists; never creates one. */
  peek(request: FastifyRequest): Session | undefined {
    const id = request.cookies[this.options.cookieName];
    const found = id ? this.sessions.get(id) : undefined;
    return found && found.expiresAt > Date.now() ? found : undefined;
  }

  /** A new session id (and CSRF token) for the same data: done at sign-in, against session fixation. */
  rotate(session: Session, reply: FastifyReply): Session {
    this.sessions.delete(session.id);
    const next: Session = { ...session, id: randomId(), csrf: randomId(), expiresAt: Date.now() + this.idleMs };
    delete next.pending;
    this.sessions.set(next.id, next);
    this.setCookie(reply, next.id);
    return next;
  }

  /**
   * Signs out every session that a back-channel logout token names: by `sid` (the
   * Lanekeeper session the sign-in belonged to), or, with no `sid`, every sign-in of `sub`.
   * The sessions keep their ids but lose their tokens; the notice says why on the next page.
   * Returns how many were signed out.
   */
  signOutWhere(target: LogoutTarget, notice?: Notice): number {
    let ended = 0;
    for (const session of this.sessions.values()) {
      if (!session.user || !namedByLogout(session.user, target)) continue;
      delete session.user;
      delete session.probe;
      if (notice) session.notice = notice;
      ended++;
    }
    return ended;
  }

  /** Forgets the session and starts an empty one. */
  replace(session: Session, reply: FastifyReply): Session {
    this.sessions.delete(session.id);
    return this.create(reply);
  }

  private create(reply: FastifyReply): Session {
    this.prune();
    const session: Session = { id: randomId(), csrf: randomId(), expiresAt: Date.now() + this.idleMs };
    this.sessions.set(session.id, session);
    this.setCookie(reply, session.id);
    return session;
  }

  private setCookie(reply: FastifyReply, id: string): void {
    reply.setCookie(this.options.cookieName, id, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.options.secure ?? false,
      path: this.options.cookiePath ?? '/',
      maxAge: this.idleMs / 1000,
    });
  }

  private prune(): void {
    const now = Date.now();
    for (const [id, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(id);
  }
}

/** Whether a logout token names this sign-in: its `sid` if it has one (and then its `sub` too, if given), else its `sub`. */
export function namedByLogout(user: SignedIn, target: LogoutTarget): boolean {
  const sub = typeof user.claims.sub === 'string' ? user.claims.sub : undefined;
  if (target.sid !== undefined) return user.sid === target.sid && (target.sub === undefined || target.sub === sub);
  return target.sub !== undefined && target.sub === sub;
}

/** Whether a submitted form carries the session's CSRF token. */
export function csrfMatches(session: Session, submitted: unknown): boolean {
  if (typeof submitted !== 'string') return false;
  const a = Buffer.from(submitted);
  const b = Buffer.from(session.csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}
