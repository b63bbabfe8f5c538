import { classifyToken, laneVerdict, messages } from '@lanekeeper/guard/lanes';
import { claimsForScopes } from '../users/claims.js';
import { checkAccessToken } from './access-token-check.js';
import { endpoints, type OAuthContext } from './context.js';
import { OAuthError, type OAuthErrorCode } from './errors.js';
import { bearerChallenge } from './www-authenticate.js';
import { DPOP_ALGS, DpopError, verifyProof } from '../dpop/proof.js';

export interface UserinfoInput {
  authorization: string | undefined;
  /** The DPoP proof header(s) and the request method, for DPoP-bound tokens. */
  dpop?: string | string[];
  method?: string;
  /** An access_token parameter was sent in the query string or the body: ignored, never used. */
  tokenElsewhere?: 'query' | 'body';
}

function refuse(error: OAuthErrorCode, description: string, status = 401, scope?: string, scheme: 'Bearer' | 'DPoP' = 'Bearer', reason?: string): OAuthError {
  const params = { error, error_description: description, ...(scope ? { scope } : {}), ...(scheme === 'DPoP' ? { algs: DPOP_ALGS.join(' ') } : {}) };
  return new OAuthError(error, description, { status, headers: { 'WWW-Authenticate': bearerChallenge(params, scheme) }, ...(reason ? { reason } : {}) });
}

/**
 * OIDC Core §5.3. Accepts only an access token whose audience includes the userinfo endpoint
 * and whose scope has `openid`. An ID token is refused with a description that says so.
 */
export async function userinfo(ctx: OAuthContext, input: UserinfoInput): Promise<Record<string, unknown>> {
  const header = input.authorization;
  if (header === undefined) {
    if (input.tokenElsewhere) throw refuse('invalid_request', input.tokenElsewhere === 'query' ? messages.tokenInQuery : messages.tokenInBody);
    throw new OAuthError('invalid_request', messages.missingToken, { status: 401, headers: { 'WWW-Authenticate': bearerChallenge({}) } });
  }
  const match = /^(Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*)$/i.exec(header);
  if (!match) throw refuse('invalid_request', /^(Bearer|DPoP) /i.test(header) ? messages.malformedAuthorization : messages.unsupportedScheme);
  const scheme = match[1]!.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
  const token = match[2]!;
  const verdict = laneVerdict(classifyToken(token));
  if (!verdict.accept) throw refuse('invalid_token', verdict.description, 401, undefined, 'Bearer', verdict.kind);

  const check = await checkAccessToken(ctx, token);
  if (!check.active) throw refuse('invalid_token', messages.inactive, 401, undefined, scheme);
  const jkt = check.token.jkt;
  if (jkt && scheme === 'Bearer') throw refuse('invalid_token', messages.boundTokenAsBearer, 401, undefined, 'DPoP');
  if (!jkt && scheme === 'DPoP') throw refuse('invalid_token', messages.dpopSchemeUnbound);
  if (jkt) {
    try {
      await verifyProof(ctx.store, ctx.dpop, { header: input.dpop, method: input.method ?? 'GET', url: endpoints(ctx.issuer()).userinfo, accessToken: token, jkt });
    } catch (err) {
      if (err instanceof DpopError) throw refuse('invalid_dpop_proof', err.description, 401, undefined, 'DPoP');
      throw err;
    }
  }
  const userinfoUrl = endpoints(ctx.issuer()).userinfo;
  if (!check.token.aud.includes(userinfoUrl)) throw refuse('invalid_token', messages.audienceMismatch(check.token.aud, userinfoUrl));
  if (!check.token.scopes.includes('openid')) throw refuse('insufficient_scope', messages.insufficientScope(['openid'], check.token.scopes), 403, 'openid');
  const user = await ctx.users.get(check.token.sub);
  if (!user || user.disabledAt !== null) throw refuse('invalid_token', messages.inactive);
  return { sub: user.id, ...claimsForScopes(user, check.token.scopes) };
}
