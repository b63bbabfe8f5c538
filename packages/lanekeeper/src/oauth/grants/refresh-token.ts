import { nowSeconds } from '../../store/index.js';
import { sha256 } from '../../util/hash.js';
import type { OAuthContext } from '../context.js';
import { OAuthError } from '../errors.js';
import { splitScope, type Params } from '../params.js';
import type { Caller } from '../client-auth.js';
import { redeemOnce } from '../single-use.js';
import { requireSameKey } from '../dpop-binding.js';
import { currentApiScopes, issueUserTokens, pickGrantApi } from '../issue-user-tokens.js';
import type { TokenResponse } from './token-response.js';

/**
 * RFC 6749 §6 with rotation (OAuth 2.1 §4.3.1): every use returns a new refresh token. A
 * rotated token presented again — reuse, or the loser of a concurrent race — revokes the
 * whole family (the grant), the winner's new tokens included.
 */
export async function refreshTokenGrant(ctx: OAuthContext, caller: Caller, params: Params, jkt?: string): Promise<TokenResponse> {
  if (caller.kind !== 'client') throw new OAuthError('invalid_client', 'client authentication failed');
  const client = caller.client;
  if (!client.grantTypes.includes('refresh_token')) throw new OAuthError('unauthorized_client', 'this client may not use the refresh_token grant');
  const token = params.require('refresh_token');
  const now = nowSeconds();
  const invalid = new OAuthError('invalid_grant', 'the refresh token is invalid, expired or revoked');
  const tokenHash = sha256(token);
  const row = await ctx.store.codes.findRefreshToken(tokenHash);
  const requested = splitScope(params.get('scope'));
  let api: Awaited<ReturnType<typeof pickGrantApi>>;
  const { grant, user, details } = await redeemOnce(ctx, {
    row,
    clientId: client.clientId,
    used: row?.rotated_at != null,
    reuseReason: 'refresh_reuse',
    now,
    invalid,
    // Checked before the token is spent, so a refused request leaves the family usable.
    async check(grantDetails) {
      requireSameKey(row!.jkt, jkt, 'refresh token');
      // Down-scoping: a subset of what was granted; never more.
      const grantedAll = new Set([...grantDetails.oidcScopes, ...Object.values(grantDetails.apis).flat()]);
      const beyond = requested.filter((s) => !grantedAll.has(s) && s !== 'offline_access');
      if (beyond.length) throw new OAuthError('invalid_scope', `not granted to this app: ${beyond.map((s) => `"${s}"`).join(', ')}`);
      api = await pickGrantApi(ctx, grantDetails, params);
    },
    spend: () => ctx.store.codes.rotateRefreshToken(tokenHash, now),
  });

  const oidcScopes = requested.length ? details.oidcScopes.filter((s) => requested.includes(s)) : details.oidcScopes;
  return issueUserTokens(ctx, {
    client,
    grant,
    details,
    user,
    api,
    apiScopes: await currentApiScopes(ctx, user, details, api, requested.length ? requested : undefined),
    oidcScopes,
    refresh: true,
    now,
    grantType: 'refresh_token',
    ...(jkt ? { jkt } : {}),
  });
}
