import type { OAuthContext } from './context.js';
import type { ActiveInteraction } from './interaction.js';
import { proposeGrant } from './consent.js';

export const PROFILE_WORDS: Record<string, string> = {
  openid: 'Know who you are (your account identifier)',
  profile: 'Your name and profile details',
  email: 'Your email address',
  address: 'Your postal address',
  phone: 'Your phone number',
};

export interface ConsentView {
  clientName: string;
  userEmail: string;
  apis: { name: string; identifier: string; scopes: { name: string; description: string }[] }[];
  profile: { group: 'openid' | 'profile' | 'email' | 'address' | 'phone'; description: string }[];
  offlineAccess: boolean;
  /** For an app known by its metadata document URL: that URL's host, shown beside its self-asserted name and logo. */
  clientHost?: string;
  logoUri?: string;
  clientUri?: string;
}

/** What the consent page says, in words: each API scope by its description and each claim group. */
export async function consentView(ctx: OAuthContext, active: ActiveInteraction): Promise<ConsentView | undefined> {
  if (!active.row.user_id) return undefined;
  const user = await ctx.users.get(active.row.user_id);
  if (!user) return undefined;
  const grant = await proposeGrant(ctx, active.client, active.request, user);
  const apis: ConsentView['apis'] = [];
  for (const [identifier, scopes] of Object.entries(grant.apis)) {
    const api = await ctx.registry.getApi(identifier);
    if (!api || scopes.length === 0) continue;
    apis.push({ name: api.name, identifier, scopes: scopes.map((s) => ({ name: s, description: api.scopes[s] || s })) });
  }
  return {
    clientName: active.client.clientName ?? active.client.clientId,
    userEmail: user.email,
    apis,
    profile: grant.oidcScopes.filter((s) => s in PROFILE_WORDS).map((s) => ({ group: s as ConsentView['profile'][number]['group'], description: PROFILE_WORDS[s]! })),
    offlineAccess: grant.offline && active.request.oidcScopes.includes('offline_access'),
    ...(active.client.source === 'metadata_document' ? { clientHost: new URL(active.client.clientId).host } : {}),
    ...(active.client.logoUri ? { logoUri: active.client.logoUri } : {}),
    ...(active.client.clientUri ? { clientUri: active.client.clientUri } : {}),
  };
}
