import { nowSeconds } from '../../store/index.js';
import { sha256 } from '../../util/hash.js';
import type { OAuthContext } from '../context.js';
import { OAuthError } from '../errors.js';
import type { Params } from '../params.js';
import type { Caller } from '../client-auth.js';
import { verifyPkce } from '../pkce.js';
import { redeemOnce } from '../single-use.js';
import { requireSameKey } from '../dpop-binding.js';
import { currentApiScopes, issueUserTokens, pickGrantApi } from '../issue-user-tokens.js';
import type { TokenResponse } from './token-response.js';

/**
 * RFC 6749 §4.1.3 with PKCE. A code is used once: a second use fails and revokes every
 * token issued from it (the whole grant).
 */
export async function authorizationCodeGrant(ctx: OAuthContext, caller: Caller, params: Params, jkt?: string): Promise<TokenResponse> {
  if (caller.kind !== 'client') throw new OAuthError('invalid_client', 'client authentication failed');
  const client = caller.client;
  if (!client.grantTypes.includes('authorization_code')) throw new OAuthError('unauthorized_client', 'this client may not use the authorization_code grant');
  const code = params.require('code');
  const now = nowSeconds();
  const codeHash = sha256(code);
  const row = await ctx.store.codes.findCode(codeHash);
  const invalid = new OAuthError('invalid_grant', 'the authorization code is invalid, expired or already used');
  let api: Awaited<ReturnType<typeof pickGrantApi>>;
  const { grant, user, details } = await redeemOnce(ctx, {
    row,
    clientId: client.clientId,
    used: row?.used_at != null,
    reuseReason: 'code_replay',
    now,
    invalid,
    async check(grantDetails) {
      if (params.get('redirect_uri') !== row!.redirect_uri) throw new OAuthError('invalid_grant', 'redirect_uri does not match the authorization request');
      requireSameKey(row!.jkt, jkt, 'authorization code');
      if (!verifyPkce(params.get('code_verifier'), row!.code_challenge)) throw new OAuthError('invalid_grant', 'PKCE verification failed: code_verifier is missing or does not match code_challenge');
      api = await pickGrantApi(ctx, grantDetails, params);
    },
    spend: () => ctx.store.codes.consumeCode(codeHash, now),
  });
  return issueUserTokens(ctx, {
    client,
    grant,
    details,
    user,
    api,
    apiScopes: await currentApiScopes(ctx, user, details, api),
    oidcScopes: details.oidcScopes,
    nonce: row!.nonce ?? undefined,
    refresh: details.offline && client.grantTypes.includes('refresh_token'),
    now,
    grantType: 'authorization_code',
    ...(jkt ? { jkt } : {}),
  });
}
