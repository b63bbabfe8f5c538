import type { GrantRow, UserRecord } from '../store/index.js';
import type { OAuthContext } from './context.js';
import type { OAuthError } from './errors.js';
import { parseDetails, type GrantDetails } from './grant-details.js';

export interface SingleUseCredential {
  /** The stored row (code or refresh token), if any. */
  row: { client_id: string; grant_id: string; expires_at: number } | undefined;
  clientId: string;
  /** Whether the row says it was used already. */
  used: boolean;
  /** Why the grant is revoked when the credential is presented again. */
  reuseReason: 'code_replay' | 'refresh_reuse';
  now: number;
  invalid: OAuthError;
  /**
   * Request-specific checks that must pass before the credential is spent: a request refused
   * here (wrong verifier, a resource or scope the grant does not cover) spends nothing.
   */
  check?: (details: GrantDetails) => void | Promise<void>;
  /** The conditional update that spends it: false when another request spent it first. */
  spend: () => Promise<boolean>;
}

/**
 * Redeems a code or refresh token exactly once. A second use — replay, reuse, or the loser of a
 * concurrent race — revokes the whole grant. Everything is checked before spending, so exactly
 * one of several concurrent uses wins.
 */
export async function redeemOnce(ctx: OAuthContext, c: SingleUseCredential): Promise<{ grant: GrantRow; user: UserRecord; details: GrantDetails }> {
  const { row, invalid } = c;
  if (!row || row.client_id !== c.clientId) throw invalid;
  const revoke = async () => {
    await ctx.store.grants.revoke(row.grant_id, c.now, c.reuseReason);
    ctx.audit.record({
      type: c.reuseReason === 'code_replay' ? 'code.replay_detected' : 'refresh.reuse_detected',
      actor: `client:${c.clientId}`,
      clientId: c.clientId,
      details: { grant: row.grant_id, action: 'grant revoked' },
    });
    return invalid;
  };
  if (c.used) throw await revoke();
  if (Number(row.expires_at) <= c.now) throw invalid;
  const grant = await ctx.store.grants.get(row.grant_id);
  // The grant's absolute end holds even for a token that claims to live longer.
  if (!grant || grant.revoked_at !== null || (grant.expires_at !== null && Number(grant.expires_at) <= c.now)) throw invalid;
  const user = await ctx.users.get(grant.sub);
  if (!user || user.disabledAt !== null) throw invalid;
  const details = parseDetails(grant.details);
  await c.check?.(details);
  if (!(await c.spend())) throw await revoke();
  return { grant, user, details };
}
