/**
 * The `jti`s of the logout tokens already acted on, each kept until the token could no
 * longer pass anyway (its expiry). A token seen twice is a replay and is refused.
 */
export class JtiMemory {
  private readonly seen = new Map<string, number>();

  /** `maxEntries` bounds the memory; the soonest-expiring entries go first. */
  constructor(
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Remembers `jti` until `untilMs`; false if it was already remembered (a replay). */
  remember(jti: string, untilMs: number): boolean {
    this.prune();
    const known = this.seen.get(jti);
    if (known !== undefined && known > this.now()) return false;
    if (this.seen.size >= this.maxEntries) {
      const oldest = [...this.seen.entries()].sort((a, b) => a[1] - b[1])[0];
      if (oldest) this.seen.delete(oldest[0]);
    }
    this.seen.set(jti, untilMs);
    return true;
  }

  private prune(): void {
    const now = this.now();
    for (const [jti, until] of this.seen) if (until <= now) this.seen.delete(jti);
  }
}
