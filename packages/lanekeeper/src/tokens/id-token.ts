import { createHash } from 'node:crypto';
import type { Keyring } from '../keys/keyring.js';
import { signCompact } from '../keys/jws.js';

export interface IdTokenRequest {
  issuer: string;
  sub: string;
  clientId: string;
  alg: string;
  now: number;
  ttl: number;
  authTime: number;
  sid?: string;
  nonce?: string;
  accessToken?: string;
  amr?: string[];
  acr?: string;
  /** Profile claims released by scope, and custom claims (already filtered of reserved names). */
  claims: Record<string, unknown>;
}

/** OIDC Core §3.1.3.6: the left half of the hash of the access token, hash chosen by the alg. */
export function atHash(accessToken: string, alg: string): string {
  const hash = alg === 'EdDSA' ? 'sha512' : alg.endsWith('384') ? 'sha384' : alg.endsWith('512') ? 'sha512' : 'sha256';
  const digest = createHash(hash).update(accessToken).digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/**
 * An ID token (OIDC Core §2): for the client app only. `aud` is exactly the client_id,
 * header `typ: JWT`, and never a `scope` claim.
 */
export async function mintIdToken(keys: Keyring, req: IdTokenRequest): Promise<string> {
  const payload: Record<string, unknown> = {
    ...req.claims,
    iss: req.issuer,
    sub: req.sub,
    aud: req.clientId,
    exp: req.now + req.ttl,
    iat: req.now,
    auth_time: req.authTime,
  };
  if (req.nonce !== undefined) payload.nonce = req.nonce;
  if (req.sid !== undefined) payload.sid = req.sid;
  if (req.accessToken !== undefined) payload.at_hash = atHash(req.accessToken, req.alg);
  if (req.amr?.length) payload.amr = req.amr;
  if (req.acr !== undefined) payload.acr = req.acr;
  delete payload.scope;
  const signer = keys.signer(req.alg);
  return signCompact({ alg: signer.alg, kid: signer.kid, typ: 'JWT' }, payload, signer.keyObject);
}
