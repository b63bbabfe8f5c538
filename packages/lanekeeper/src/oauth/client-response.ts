/** An authorization response for the client: a redirect with query parameters, or a form post. */
export interface ClientResponse {
  mode: 'query' | 'form_post';
  redirectUri: string;
  params: Record<string, string>;
}

/** The URL for a query-mode response (parameters added to any the redirect URI already has). */
export function redirectUrl(response: ClientResponse): string {
  const url = new URL(response.redirectUri);
  for (const [k, v] of Object.entries(response.params)) url.searchParams.append(k, v);
  return url.toString();
}
