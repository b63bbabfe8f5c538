/** The RFC 6750 §3.1 / RFC 9449 §7.1 error codes a guard answers with, plus 503's. */
export type GuardErrorCode =
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_dpop_proof'
  | 'temporarily_unavailable';

export type GuardErrorStatus = 400 | 401 | 403 | 503;

export interface GuardErrorInit {
  status: GuardErrorStatus;
  /** Absent when the request carried no token at all (RFC 6750 §3.1). */
  code?: GuardErrorCode | undefined;
  description: string;
  /** The `WWW-Authenticate` header value; absent on 503. */
  wwwAuthenticate?: string | undefined;
}

/**
 * Why the guard refused a request. `description` says what was wrong and what to send
 * instead; it never contains the token. Adapters answer with `status`, the
 * `WWW-Authenticate` header and the JSON body from {@link GuardError.toJSON}.
 */
export class GuardError extends Error {
  readonly status: GuardErrorStatus;
  readonly code: GuardErrorCode | undefined;
  readonly description: string;
  readonly wwwAuthenticate: string | undefined;

  constructor(init: GuardErrorInit) {
    super(init.description);
    this.name = 'GuardError';
    this.status = init.status;
    this.code = init.code;
    this.description = init.description;
    this.wwwAuthenticate = init.wwwAuthenticate;
  }

  /** The JSON body: `{ error, error_description }` (no `error` when the request had no token). */
  toJSON(): { error?: GuardErrorCode; error_description: string } {
    return this.code === undefined
      ? { error_description: this.description }
      : { error: this.code, error_description: this.description };
  }
}

/**
 * What the inner checks throw; the guard turns it into a GuardError with the challenge
 * its configuration calls for (realm, resource metadata, DPoP algs).
 */
export class Refusal extends Error {
  constructor(
    readonly status: GuardErrorStatus,
    readonly code: GuardErrorCode | undefined,
    readonly description: string,
    /** Answer with a DPoP challenge (the request used DPoP or the token is DPoP-bound). */
    readonly dpop = false,
  ) {
    super(description);
    this.name = 'Refusal';
  }
}

export const invalidToken = (description: string, dpop = false) => new Refusal(401, 'invalid_token', description, dpop);
export const invalidRequest = (description: string, status: 400 | 401 = 400) =>
  new Refusal(status, 'invalid_request', description);
export const invalidProof = (description: string) => new Refusal(401, 'invalid_dpop_proof', description, true);
export const unavailable = (description: string) => new Refusal(503, 'temporarily_unavailable', description);
