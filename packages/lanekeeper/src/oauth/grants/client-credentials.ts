import { mintAccessToken } from '../../tokens/access-token.js';
import { PREFIX } from '../../util/prefixes.js';
import { nowSeconds } from '../../store/index.js';
import { randomId } from '../../util/hash.js';
import type { OAuthContext } from '../context.js';
import { OAuthError } from '../errors.js';
import { splitScope, type Params } from '../params.js';
import type { Caller } from '../client-auth.js';
import { resolveScopes, resolveTokenApi } from '../target.js';
import type { TokenResponse } from './token-response.js';

/** RFC 6749 §4.4: a machine caller gets an access token for itself (`sub` = its client_id). */
export async function clientCredentialsGrant(ctx: OAuthContext, caller: Caller, params: Params, jkt?: string): Promise<TokenResponse> {
  if (caller.kind !== 'client') throw new OAuthError('invalid_client', 'client authentication failed');
  const client = caller.client;
  if (!client.grantTypes.includes('client_credentials')) throw new OAuthError('unauthorized_client', 'this client may not use the client_credentials grant');
  const api = await resolveTokenApi(ctx, client, params);
  const scopes = resolveScopes(splitScope(params.get('scope')), api, client);
  const now = nowSeconds();
  // One issuance is one grant; it gets a row only if it is ever revoked.
  const grantId = randomId(PREFIX.grant);
  const minted = await mintAccessToken(ctx.keys, {
    issuer: ctx.issuer(),
    audience: api.identifier,
    sub: client.clientId,
    clientId: client.clientId,
    scopes,
    ttl: api.accessTokenTtl,
    grantId,
    format: api.tokenFormat,
    alg: api.signingAlg,
    now,
    ...(jkt ? { jkt } : {}),
  });
  if (minted.tokenHash) {
    await ctx.store.opaqueTokens.insert({
      token_hash: minted.tokenHash,
      grant_id: grantId,
      client_id: client.clientId,
      sub: client.clientId,
      aud: JSON.stringify([api.identifier]),
      scope: scopes.join(' '),
      jti: minted.jti,
      issued_at: now,
      expires_at: minted.expiresAt,
      revoked_at: null,
      jkt: jkt ?? null,
    });
  }
  ctx.audit.record({ type: 'token.issued', actor: `client:${client.clientId}`, clientId: client.clientId, details: { grant_type: 'client_credentials', api: api.identifier, token_format: api.tokenFormat, scope: scopes.join(' '), dpop: Boolean(jkt) } });
  const response: TokenResponse = { access_token: minted.token, token_type: jkt ? 'DPoP' : 'Bearer', expires_in: minted.expiresAt - now };
  if (scopes.length > 0) response.scope = scopes.join(' ');
  return response;
}
