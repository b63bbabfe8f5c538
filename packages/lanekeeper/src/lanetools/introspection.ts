/** RFC 7662 introspection for `inspect`: what the issuer says about an opaque string. */
import type { FetchFn, Step } from './issuer.js';

export interface IntrospectionResult {
  step: Step;
  /** The issuer's answer, when it gave one. */
  response?: Record<string, unknown>;
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding. */
function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

export async function introspect(
  endpoint: string,
  token: string,
  o: { clientId: string; clientSecret: string; hint?: string | undefined; fetch: FetchFn; timeoutMs: number },
): Promise<IntrospectionResult> {
  const body = new URLSearchParams({ token });
  if (o.hint) body.set('token_type_hint', o.hint);
  let response: Response;
  try {
    response = await o.fetch(endpoint, {
      method: 'POST',
      headers: {
        authorization: `Basic ${btoa(`${formEncode(o.clientId)}:${formEncode(o.clientSecret)}`)}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: body.toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(o.timeoutMs),
    });
  } catch (error) {
    return { step: { check: 'introspection', ok: false, detail: `${endpoint}: ${(error as Error).message}` } };
  }
  const answer: unknown = await response.json().catch(() => undefined);
  if (response.status !== 200 || typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
    const error = typeof answer === 'object' && answer !== null && 'error' in answer ? ` ${String((answer as { error: unknown }).error)}` : '';
    return { step: { check: 'introspection', ok: false, detail: `${endpoint}: HTTP ${response.status}${error}` } };
  }
  const result = answer as Record<string, unknown>;
  const active = result['active'] === true;
  return {
    step: { check: 'introspection', ok: active, detail: active ? 'active: the issuer vouches for it' : 'not active: expired, revoked, unknown, or not for this caller' },
    response: result,
  };
}
