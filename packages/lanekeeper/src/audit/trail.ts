import { randomBytesPooled } from '../util/random.js';
import type { Store } from '../store/index.js';
import { nowSeconds } from '../store/index.js';

export type AuditEventType =
  | 'login.succeeded'
  | 'login.failed'
  | 'consent.granted'
  | 'consent.revoked'
  | 'token.issued'
  | 'refresh.reuse_detected'
  | 'code.replay_detected'
  | 'logout'
  | 'client.changed'
  | 'api.changed'
  | 'user.changed'
  | 'key.rotated'
  | 'grant.revoked';

export type AuditValue = string | number | boolean | null | string[];

export interface AuditEvent {
  type: AuditEventType;
  /** 'cli', 'system', 'user:<sub>', 'client:<client_id>' */
  actor: string;
  userId?: string;
  clientId?: string;
  details?: Record<string, AuditValue>;
}

const SECRET_NAMES = /pass|secret|token|code|assertion|cookie|authorization/i;
const SECRET_VALUES = /^(eyJ|lk_(at|rt|code|cs|as)_)/;

/** Events never carry a secret or a token: such fields are dropped, such values masked. */
export function sanitizeDetails(details: Record<string, AuditValue> = {}): Record<string, AuditValue> {
  const out: Record<string, AuditValue> = {};
  for (const [k, v] of Object.entries(details)) {
    if (SECRET_NAMES.test(k) && k !== 'token_format' && k !== 'grant_type') continue;
    out[k] = Array.isArray(v) ? v.map((x) => (SECRET_VALUES.test(x) ? '[redacted]' : x)) : typeof v === 'string' && SECRET_VALUES.test(v) ? '[redacted]' : v;
  }
  return out;
}

/**
 * The append-only audit trail. Events are buffered and written in batches (every second, or
 * sooner when many arrive), so recording one never adds a database round trip to a request.
 */
export class AuditTrail {
  private buffer: { id: string; at: number; type: string; actor: string; user_id: string | null; client_id: string | null; details: string }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly listeners: ((event: AuditEvent) => void)[] = [];

  /** Calls `listener` for every event as it is recorded (metrics count them). */
  onRecord(listener: (event: AuditEvent) => void): void {
    this.listeners.push(listener);
  }

  constructor(
    private readonly store: Store,
    private readonly options: { flushMs?: number; maxBuffer?: number; onError?: (err: unknown) => void } = {},
  ) {}

  record(event: AuditEvent): void {
    for (const listener of this.listeners) listener(event);
    this.buffer.push({
      id: `${Date.now().toString(36)}-${randomBytesPooled(6).toString('base64url')}`,
      at: nowSeconds(),
      type: event.type,
      actor: event.actor,
      user_id: event.userId ?? null,
      client_id: event.clientId ?? null,
      details: JSON.stringify(sanitizeDetails(event.details)),
    });
    if (this.buffer.length >= (this.options.maxBuffer ?? 200)) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.options.flushMs ?? 1000);
      this.timer.unref();
    }
  }

  /** Writes what is buffered; resolves when it is in the store. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      try {
        await this.store.events.append(batch);
      } catch (err) {
        this.options.onError?.(err);
      }
    });
    return this.flushing;
  }
}
