import type { OAuthContext } from './context.js';
import { authenticateCaller, type AuthInput } from './client-auth.js';
import { checkAccessToken } from './access-token-check.js';
import { OAuthError } from './errors.js';
import { nowSeconds } from '../store/index.js';
import { sha256 } from '../util/hash.js';

/**
 * RFC 7009. A client revokes a token issued to it. Unknown, foreign or already invalid tokens
 * still get 200: the answer never tells whether a token existed.
 */
export async function revoke(ctx: OAuthContext, input: AuthInput): Promise<void> {
  input.params.assertNoRepeats();
  const caller = await authenticateCaller(ctx, input, { allowPublic: true });
  if (caller.kind !== 'client') throw new OAuthError('invalid_client', 'client authentication failed');
  const token = input.params.require('token');
  const check = await checkAccessToken(ctx, token);
  if (!check.active || check.token.clientId !== caller.client.clientId) return;
  const now = nowSeconds();
  if (check.token.format === 'opaque') await ctx.store.opaqueTokens.revoke(sha256(token), now);
  else await ctx.store.jtis.deny(check.token.jti, check.token.exp);
}
