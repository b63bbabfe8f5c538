import type { Keyring } from '../keys/keyring.js';
import type { BackchannelJob, Store } from '../store/index.js';
import { nowSeconds } from '../store/index.js';
import { mintLogoutToken } from '../tokens/logout-token.js';

export interface SenderOptions {
  issuer: () => string;
  /** How often to look for due notifications, ms. */
  intervalMs?: number;
  /** Give up after this many attempts (with exponential backoff, about a day). */
  maxAttempts?: number;
  timeoutMs?: number;
  onError?: (err: unknown) => void;
}

const CLAIM_SECONDS = 30;

/** Delivers queued back-channel logout tokens with retries and backoff; one node per notification. */
export class BackchannelSender {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly keys: Keyring,
    private readonly options: SenderOptions,
  ) {}

  start(): void {
    this.stop();
    this.timer = setInterval(() => {
      this.running ??= this.tick()
        .then(() => undefined)
        .catch((err) => this.options.onError?.(err))
        .finally(() => {
          this.running = undefined;
        });
    }, this.options.intervalMs ?? 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Sends what is due now; returns how many were delivered. */
  async tick(): Promise<number> {
    let delivered = 0;
    for (const job of await this.store.backchannel.due(nowSeconds(), 20)) {
      if (!(await this.store.backchannel.claim(job, nowSeconds() + CLAIM_SECONDS))) continue;
      if (await this.deliver(job)) delivered++;
    }
    return delivered;
  }

  private async deliver(job: BackchannelJob): Promise<boolean> {
    const client = await this.store.clients.get(job.client_id);
    if (!client?.backchannelLogoutUri) {
      await this.store.backchannel.done(job.id);
      return false;
    }
    const now = nowSeconds();
    const token = mintLogoutToken(this.keys, { issuer: this.options.issuer(), clientId: client.clientId, sub: job.sub, ...(job.sid ? { sid: job.sid } : {}), alg: client.idTokenSignedResponseAlg, now });
    let error: string;
    try {
      const res = await fetch(client.backchannelLogoutUri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'cache-control': 'no-store' },
        body: new URLSearchParams({ logout_token: token }),
        redirect: 'error',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
      await res.body?.cancel();
      if (res.ok) {
        await this.store.backchannel.done(job.id);
        return true;
      }
      error = `HTTP ${res.status}`;
    } catch (err) {
      error = (err as Error).message;
    }
    const attempts = job.attempts + 1;
    if (attempts >= (this.options.maxAttempts ?? 17)) await this.store.backchannel.done(job.id);
    else await this.store.backchannel.retryLater(job.id, attempts, now + Math.min(2 ** attempts, 3600), error);
    return false;
  }
}
