import { DpopError, verifyProof, type ProofRequest } from '../dpop/proof.js';
import type { ClientRecord } from '../store/index.js';
import { endpoints, type OAuthContext } from './context.js';
import { OAuthError } from './errors.js';

/** Maps a refused proof to the token endpoint's error (with the nonce to retry with). */
export function dpopOAuthError(err: DpopError): OAuthError {
  return new OAuthError(err.error, err.description, err.nonce ? { headers: { 'DPoP-Nonce': err.nonce } } : {});
}

/**
 * The DPoP proof sent to the token endpoint, if any (RFC 9449 §5): its key thumbprint binds the
 * tokens issued. A client registered with dpop_bound_access_tokens must send one.
 */
export async function tokenEndpointProof(ctx: OAuthContext, header: ProofRequest['header'], client: ClientRecord | undefined): Promise<string | undefined> {
  if (header === undefined || header === '') {
    if (client?.dpopBoundAccessTokens) throw new OAuthError('invalid_dpop_proof', 'a DPoP proof is required for this client');
    return undefined;
  }
  try {
    const proof = await verifyProof(ctx.store, ctx.dpop, { header, method: 'POST', url: endpoints(ctx.issuer()).token, nonce: ctx.dpop.requireNonce });
    return proof.jkt;
  } catch (err) {
    if (err instanceof DpopError) throw dpopOAuthError(err);
    throw err;
  }
}

/** A code or refresh token bound to a key can only be redeemed with a proof from that key. */
export function requireSameKey(bound: string | null | undefined, jkt: string | undefined, what: string): void {
  if (!bound) return;
  if (jkt === undefined) throw new OAuthError('invalid_dpop_proof', `this ${what} is DPoP-bound: send a DPoP proof made with the same key`);
  if (jkt !== bound) throw new OAuthError('invalid_dpop_proof', `this ${what} is bound to another DPoP key`);
}
