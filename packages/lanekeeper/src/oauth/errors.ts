/** RFC 6749 §5.2 / RFC 7009 / RFC 8707 error codes Lanekeeper uses. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'unsupported_token_type'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'access_denied'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'unsupported_response_type'
  | 'request_not_supported'
  | 'request_uri_not_supported'
  | 'login_required'
  | 'consent_required'
  | 'interaction_required'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce';

const DEFAULT_STATUS: Record<OAuthErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  invalid_target: 400,
  unsupported_token_type: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  access_denied: 403,
  server_error: 500,
  temporarily_unavailable: 503,
  unsupported_response_type: 400,
  request_not_supported: 400,
  request_uri_not_supported: 400,
  login_required: 400,
  consent_required: 400,
  interaction_required: 400,
  invalid_dpop_proof: 400,
  use_dpop_nonce: 400,
};

/** A protocol error: becomes an RFC 6749 JSON body with the right status. */
export class OAuthError extends Error {
  override name = 'OAuthError';
  readonly status: number;
  /** Extra response headers, e.g. WWW-Authenticate. */
  readonly headers: Record<string, string>;

  /** A short machine-readable reason for metrics (e.g. `id_token` when an ID token was presented). */
  readonly reason: string;

  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    options: { status?: number; headers?: Record<string, string>; reason?: string } = {},
  ) {
    super(`${error}: ${description}`);
    this.status = options.status ?? DEFAULT_STATUS[error];
    this.headers = options.headers ?? {};
    this.reason = options.reason ?? error;
  }

  toJSON(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}
