import type { OAuthContext } from './context.js';
import { authenticateCaller, type AuthInput } from './client-auth.js';
import { OAuthError } from './errors.js';
import { clientCredentialsGrant } from './grants/client-credentials.js';
import { authorizationCodeGrant } from './grants/authorization-code.js';
import { refreshTokenGrant } from './grants/refresh-token.js';
import type { TokenResponse } from './grants/token-response.js';
import { tokenEndpointProof } from './dpop-binding.js';
import { nowSeconds } from '../store/index.js';

/** Per-client limit at the token endpoint, counted in the store so every node shares it. */
async function enforceRateLimit(ctx: OAuthContext, clientId: string): Promise<void> {
  const { limit, window } = ctx.tokenRateLimit;
  if (limit <= 0) return;
  const now = nowSeconds();
  if ((await ctx.store.rateLimits.hit(`token:client:${clientId}`, now, window)) > limit) {
    throw new OAuthError('temporarily_unavailable', `too many token requests from this client: at most ${limit} per ${window} s`, { status: 429, headers: { 'Retry-After': String(window) }, reason: 'rate_limited' });
  }
}

/** RFC 6749 §3.2: authenticates the client, then hands the request to its grant. */
export async function tokenEndpoint(ctx: OAuthContext, input: AuthInput): Promise<TokenResponse> {
  input.params.assertNoRepeats();
  const grantType = input.params.get('grant_type');
  if (grantType === undefined) throw new OAuthError('invalid_request', 'missing parameter "grant_type"');
  const caller = await authenticateCaller(ctx, input, { allowPublic: true });
  await enforceRateLimit(ctx, caller.kind === 'client' ? caller.client.clientId : caller.api.identifier);
  const jkt = await tokenEndpointProof(ctx, input.dpop, caller.kind === 'client' ? caller.client : undefined);
  switch (grantType) {
    case 'client_credentials':
      return clientCredentialsGrant(ctx, caller, input.params, jkt);
    case 'authorization_code':
      return authorizationCodeGrant(ctx, caller, input.params, jkt);
    case 'refresh_token':
      return refreshTokenGrant(ctx, caller, input.params, jkt);
    default:
      throw new OAuthError('unsupported_grant_type', `grant_type "${grantType}" is not supported`);
  }
}
