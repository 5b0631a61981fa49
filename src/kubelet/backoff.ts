// Kubernetes' restart and image-pull back-off: the first retry goes at once, then the
// wait starts at 10 s and doubles up to 5 min. An entry untouched for twice the maximum
// is forgotten (as client-go's flowcontrol.Backoff does), and the kubelet resets a
// container's entry itself once it has run for 10 minutes.

import type { Clock } from '../client/index.js';

export const BACKOFF_INITIAL_MS = 10_000;
export const BACKOFF_MAX_MS = 300_000;
/** A container that ran this long resets its restart back-off. */
export const BACKOFF_RESET_RUN_MS = 600_000;

interface Entry { delayMs: number; lastUpdateMs: number }

export class Backoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    readonly initialMs = BACKOFF_INITIAL_MS,
    readonly maxMs = BACKOFF_MAX_MS,
  ) {}

  /** True while `since` (ms: when the last attempt ended) is within the current delay. */
  isInBackOffSince(key: string, sinceMs: number): boolean {
    const e = this.live(key);
    if (!e) return false;
    return this.clock.now() - sinceMs < e.delayMs;
  }

  /** Records an attempt: the first sets the initial delay, each later one doubles it. */
  next(key: string): void {
    const e = this.live(key);
    const now = this.clock.now();
    if (!e) this.entries.set(key, { delayMs: this.initialMs, lastUpdateMs: now });
    else {
      e.delayMs = Math.min(e.delayMs * 2, this.maxMs);
      e.lastUpdateMs = now;
    }
  }

  /** The current delay, 0 when there is no entry. */
  delay(key: string): number {
    return this.live(key)?.delayMs ?? 0;
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets every entry whose key starts with the prefix (a pod's, when it goes away). */
  resetPrefix(prefix: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
  }

  private live(key: string): Entry | undefined {
    const e = this.entries.get(key);
    if (e && this.clock.now() - e.lastUpdateMs > 2 * this.maxMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }
}
