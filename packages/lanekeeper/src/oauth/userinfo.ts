import { classifyToken, laneVerdict, messages } from '@lanekeeper/guard/lanes';
import { claimsForScopes } from '../users/claims.js';
import { checkAccessToken } from './access-token-check.js';
import { endpoints, type OAuthContext } from './context.js';
import { OAuthError, type OAuthErrorCode } from './errors.js';
import { bearerChallenge } from './www-authenticate.js';

export interface UserinfoInput {
  authorization: string | undefined;
  /** An access_token parameter was sent in the query string or the body: ignored, never used. */
  tokenElsewhere?: 'query' | 'body';
}

function refuse(error: OAuthErrorCode, description: string, status = 401, scope?: string): OAuthError {
  return new OAuthError(error, description, { status, headers: { 'WWW-Authenticate': bearerChallenge({ error, error_description: description, scope }) } });
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
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(header);
  if (!match) throw refuse('invalid_request', /^(Bearer|DPoP) /i.test(header) ? messages.malformedAuthorization : messages.unsupportedScheme);
  const token = match[1]!;
  const verdict = laneVerdict(classifyToken(token));
  if (!verdict.accept) throw refuse('invalid_token', verdict.description);

  const check = await checkAccessToken(ctx, token);
  if (!check.active) throw refuse('invalid_token', messages.inactive);
  const userinfoUrl = endpoints(ctx.issuer()).userinfo;
  if (!check.token.aud.includes(userinfoUrl)) throw refuse('invalid_token', messages.audienceMismatch(check.token.aud, userinfoUrl));
  if (!check.token.scopes.includes('openid')) throw refuse('insufficient_scope', messages.insufficientScope(['openid'], check.token.scopes), 403, 'openid');
  const user = await ctx.users.get(check.token.sub);
  if (!user || user.disabledAt !== null) throw refuse('invalid_token', messages.inactive);
  return { sub: user.id, ...claimsForScopes(user, check.token.scopes) };
}
