/** Who called, as vouched for by a verified access token. */
export interface Principal {
  /** The subject: a user id, or for client-credentials tokens the client's. */
  readonly sub: string;
  /** The client application the token was issued to (`client_id`). */
  readonly clientId: string;
  /** The granted scopes, from `scope` (or `scp`). */
  readonly scopes: readonly string[];
  /** Every claim of the JWT, or every member of the introspection response. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** The access token itself, e.g. to call a downstream API on the caller's behalf. */
  readonly token: string;
  /** `jwt`: verified here with the issuer's keys; `introspection`: the issuer vouched for it. */
  readonly source: 'jwt' | 'introspection';
  /** Present when the token is DPoP-bound and this request's proof matched. */
  readonly dpop?: { readonly jkt: string };
}
