import { randomBytes } from 'node:crypto';
import type { Keyring } from '../keys/keyring.js';
import { signCompact } from '../keys/jws.js';

export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * A logout token (OpenID Connect Back-Channel Logout 1.0 §2.4): header `typ: logout+jwt`,
 * `events`, `sid` and/or `sub`, `jti`, and never a `nonce`, so it can't pass for an ID token.
 */
export function mintLogoutToken(keys: Keyring, req: { issuer: string; clientId: string; sub: string; sid?: string; alg: string; now: number }): string {
  const signer = keys.signer(req.alg);
  const claims: Record<string, unknown> = {
    iss: req.issuer,
    aud: req.clientId,
    iat: req.now,
    exp: req.now + 120,
    jti: randomBytes(16).toString('base64url'),
    sub: req.sub,
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
  };
  if (req.sid) claims.sid = req.sid;
  return signCompact({ alg: signer.alg, kid: signer.kid, typ: 'logout+jwt' }, claims, signer.keyObject);
}
