import { createHmac, hkdfSync } from 'node:crypto';
import { safeEqual } from '../util/hash.js';

/** How long one nonce window lasts, seconds; a nonce is accepted in its window and the next. */
const WINDOW = 300;

/**
 * Stateless DPoP server nonces (RFC 9449 §8): a MAC over the time window under a key derived
 * from the deployment secret, so every node mints and accepts the same nonces, and they rotate.
 */
export class DpopNonces {
  private readonly key: Buffer;

  constructor(deploymentSecret: string) {
    this.key = Buffer.from(hkdfSync('sha256', deploymentSecret, 'lanekeeper', 'lanekeeper dpop nonces v1', 32));
  }

  private forWindow(window: number): string {
    return createHmac('sha256', this.key).update(`dpop-nonce:${window}`).digest('base64url').slice(0, 32);
  }

  current(nowMs = Date.now()): string {
    return this.forWindow(Math.floor(nowMs / 1000 / WINDOW));
  }

  isValid(nonce: string | undefined, nowMs = Date.now()): boolean {
    if (!nonce) return false;
    const window = Math.floor(nowMs / 1000 / WINDOW);
    return safeEqual(nonce, this.forWindow(window)) || safeEqual(nonce, this.forWindow(window - 1));
  }
}
