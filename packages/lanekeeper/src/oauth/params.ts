import { OAuthError } from './errors.js';

/** Parameters that may appear more than once (RFC 8707 §2). */
const REPEATABLE = new Set(['resource']);

/**
 * The parameters of a form-urlencoded request, keeping repeats so that a repeated
 * single-valued parameter can be refused (RFC 6749 §3.1).
 */
export class Params {
  private readonly values = new Map<string, string[]>();

  static fromUrlEncoded(body: string): Params {
    const p = new Params();
    for (const [k, v] of new URLSearchParams(body)) p.add(k, v);
    return p;
  }

  static fromRecord(record: Record<string, string | string[] | undefined>): Params {
    const p = new Params();
    for (const [k, v] of Object.entries(record)) {
      if (v === undefined) continue;
      for (const x of Array.isArray(v) ? v : [v]) p.add(k, x);
    }
    return p;
  }

  add(name: string, value: string): void {
    const list = this.values.get(name);
    if (list) list.push(value);
    else this.values.set(name, [value]);
  }

  /** A single-valued parameter; empty counts as absent (RFC 6749 §3.1). */
  get(name: string): string | undefined {
    const list = this.values.get(name);
    if (!list) return undefined;
    if (list.length > 1 && !REPEATABLE.has(name)) throw new OAuthError('invalid_request', `parameter "${name}" was sent more than once`);
    const v = list[0];
    return v === '' ? undefined : v;
  }

  require(name: string): string {
    const v = this.get(name);
    if (v === undefined) throw new OAuthError('invalid_request', `missing parameter "${name}"`);
    return v;
  }

  getAll(name: string): string[] {
    return (this.values.get(name) ?? []).filter((v) => v !== '');
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** Refuses any repeated single-valued parameter, whether or not the endpoint reads it. */
  assertNoRepeats(): void {
    for (const [name, list] of this.values) {
      if (list.length > 1 && !REPEATABLE.has(name)) throw new OAuthError('invalid_request', `parameter "${name}" was sent more than once`);
    }
  }
}

export function splitScope(scope: string | undefined): string[] {
  if (!scope) return [];
  return [...new Set(scope.split(' ').filter((s) => s.length > 0))];
}
