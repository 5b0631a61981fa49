// Per-key exponential back-off for requeues: a key that keeps failing waits base, 2*base,
// 4*base ... up to cap, so one broken object cannot spin a controller while healthy keys
// keep flowing. Defaults follow client-go's item limiter: 5 ms doubling to 1000 s.

export interface RateLimiter<K> {
  /** The delay before key's next attempt; counts one more failure. */
  when(key: K): number;
  forget(key: K): void;
  numRequeues(key: K): number;
}

export interface ExponentialBackoffOptions {
  /** First delay in ms. Default 5. */
  baseMs?: number;
  /** Largest delay in ms. Default 1_000_000 (1000 s). */
  capMs?: number;
}

export class ExponentialBackoffLimiter<K> implements RateLimiter<K> {
  private readonly failures = new Map<K, number>();
  private readonly baseMs: number;
  private readonly capMs: number;

  constructor(opts: ExponentialBackoffOptions = {}) {
    this.baseMs = opts.baseMs ?? 5;
    this.capMs = opts.capMs ?? 1_000_000;
  }

  when(key: K): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    // Beyond 2^60 the product overflows to Infinity anyway; the cap is what matters.
    return Math.min(this.capMs, this.baseMs * 2 ** Math.min(n, 60));
  }

  forget(key: K): void {
    this.failures.delete(key);
  }

  numRequeues(key: K): number {
    return this.failures.get(key) ?? 0;
  }
}
