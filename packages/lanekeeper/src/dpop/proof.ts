import { checkDpopProof, DpopProofError, ProofKeys, type CheckedProof } from '@lanekeeper/guard/dpop-proof';
import { messages } from '@lanekeeper/guard/lanes';
import type { Store } from '../store/index.js';
import type { DpopNonces } from './nonce.js';

/** The algorithms Lanekeeper accepts in DPoP proofs (advertised in discovery). */
export const DPOP_ALGS = ['ES256', 'EdDSA', 'RS256', 'PS256'] as const;
const TOLERANCE = 5;

export interface DpopSettings {
  iatWindow: number;
  requireNonce: boolean;
  nonces: DpopNonces;
}

/** A refused proof: `invalid_dpop_proof`, or `use_dpop_nonce` with the nonce to use. */
export class DpopError extends Error {
  override name = 'DpopError';
  constructor(
    readonly error: 'invalid_dpop_proof' | 'use_dpop_nonce',
    readonly description: string,
    readonly nonce?: string,
  ) {
    super(description);
  }
}

export interface ProofRequest {
  header: string | readonly string[] | undefined;
  method: string;
  url: string;
  /** At a protected resource: the access token the proof must hash (`ath`). */
  accessToken?: string;
  /** The key the token or code is bound to. */
  jkt?: string;
  /** Demand a server nonce (token endpoint with require_nonce). */
  nonce?: boolean;
}

/** Proof keys, imported once per key and algorithm: a client signs many proofs with one key. */
const proofKeys = new ProofKeys(10_000);

/**
 * Checks a DPoP proof with the shared rule set, then the issuer's own rules: a server nonce
 * when required, and a `jti` seen once across every node (the replay cache is the store).
 */
export async function verifyProof(store: Store, settings: DpopSettings, req: ProofRequest): Promise<CheckedProof> {
  let proof: CheckedProof;
  try {
    proof = checkDpopProof(req.header, {
      method: req.method,
      url: req.url,
      algorithms: DPOP_ALGS,
      now: Date.now(),
      iatWindowSec: settings.iatWindow,
      toleranceSec: TOLERANCE,
      keys: proofKeys,
      ...(req.accessToken !== undefined ? { accessToken: req.accessToken } : {}),
      ...(req.jkt !== undefined ? { jkt: req.jkt } : {}),
    });
  } catch (err) {
    if (err instanceof DpopProofError) throw new DpopError('invalid_dpop_proof', err.description);
    throw err;
  }
  if (req.nonce && !settings.nonces.isValid(proof.nonce)) {
    throw new DpopError('use_dpop_nonce', 'this server requires a DPoP nonce: retry with the nonce from the DPoP-Nonce header', settings.nonces.current());
  }
  const fresh = await store.jtis.useOnce(`dpop ${proof.jkt} ${proof.jti}`, Math.ceil(proof.iat + settings.iatWindow + 2 * TOLERANCE));
  if (!fresh) throw new DpopError('invalid_dpop_proof', messages.proofReplay);
  return proof;
}
