import type { OAuthContext } from './context.js';
import { authenticateCaller, type AuthInput } from './client-auth.js';
import { checkAccessToken } from './access-token-check.js';

export type IntrospectionResponse = { active: false } | ({ active: true } & Record<string, unknown>);

/**
 * RFC 7662. The caller is an API (with its own credentials) or a client. An API sees only
 * tokens whose audience includes it; a client sees only tokens issued to it. Everything else
 * is `{active: false}`, indistinguishable from an unknown token.
 */
export async function introspect(ctx: OAuthContext, input: AuthInput): Promise<IntrospectionResponse> {
  input.params.assertNoRepeats();
  const caller = await authenticateCaller(ctx, input, { allowApis: true });
  const token = input.params.get('token');
  if (token === undefined) return { active: false };
  const check = await checkAccessToken(ctx, token);
  if (!check.active) return { active: false };
  const t = check.token;
  const visible = caller.kind === 'api' ? t.aud.includes(caller.api.identifier) : t.clientId === caller.client.clientId;
  if (!visible) return { active: false };
  return {
    active: true,
    iss: ctx.issuer(),
    sub: t.sub,
    client_id: t.clientId,
    aud: t.aud.length === 1 ? t.aud[0] : t.aud,
    ...(t.scopes.length > 0 ? { scope: t.scopes.join(' ') } : {}),
    exp: t.exp,
    iat: t.iat,
    jti: t.jti,
    token_type: t.jkt ? 'DPoP' : 'Bearer',
    ...(t.jkt ? { cnf: { jkt: t.jkt } } : {}),
  };
}
