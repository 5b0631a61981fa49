// The one work queue every controller uses. Keys are de-duplicated while waiting; a key
// is handed to at most one worker at a time; a key added while a worker holds it is
// remembered and handed out again after done(), so the newest state is always synced
// once more but never concurrently.

import { realClock, type Clock, type TimerHandle } from './clock.js';
import { ExponentialBackoffLimiter, type ExponentialBackoffOptions, type RateLimiter } from './rate-limiter.js';

export interface WorkQueueOptions<K> extends ExponentialBackoffOptions {
  clock?: Clock;
  /** Replaces the default exponential limiter (baseMs/capMs then do nothing). */
  rateLimiter?: RateLimiter<K>;
}

export class WorkQueue<K = string> {
  private readonly queue: K[] = [];
  /** Keys waiting to be handed out (in queue, or held back because in flight). */
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly waiters: ((k: K | undefined) => void)[] = [];
  private readonly delayed = new Map<K, { at: number; timer: TimerHandle }>();
  private readonly clock: Clock;
  private readonly limiter: RateLimiter<K>;
  private shuttingDown = false;

  constructor(opts: WorkQueueOptions<K> = {}) {
    this.clock = opts.clock ?? realClock;
    this.limiter = opts.rateLimiter ?? new ExponentialBackoffLimiter<K>(opts);
  }

  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    const w = this.waiters.shift();
    if (w) {
      this.dirty.delete(key);
      this.processing.add(key);
      w(key);
    } else this.queue.push(key);
  }

  /** Adds key once ms have passed; a key already waiting keeps the earlier of the two times. */
  addAfter(key: K, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(key);
    const at = this.clock.now() + ms;
    const prev = this.delayed.get(key);
    if (prev && prev.at <= at) return;
    if (prev) this.clock.clearTimeout(prev.timer);
    const timer = this.clock.setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    this.delayed.set(key, { at, timer });
  }

  /** Adds key after its back-off: longer each time until forget(key). */
  addRateLimited(key: K): void {
    this.addAfter(key, this.limiter.when(key));
  }

  /** Resets key's back-off; call after a successful sync. */
  forget(key: K): void {
    this.limiter.forget(key);
  }

  numRequeues(key: K): number {
    return this.limiter.numRequeues(key);
  }

  /** The next key, waiting for one; undefined once the queue is shut down. */
  get(): Promise<K | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    const key = this.queue.shift();
    if (key !== undefined) {
      this.dirty.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks key finished; if it was added meanwhile it is queued again now. */
  done(key: K): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.dirty.delete(key);
      this.add(key);
    }
  }

  /** Keys waiting to be handed out (not counting delayed ones). */
  len(): number {
    return this.queue.length;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /**
   * Stops handing out keys: every waiting and future get() answers undefined. Unlike
   * client-go, waiting keys are dropped rather than drained: controllers are
   * level-triggered, so the next start's relist enqueues everything again.
   */
  shutDown(): void {
    this.shuttingDown = true;
    for (const d of this.delayed.values()) this.clock.clearTimeout(d.timer);
    this.delayed.clear();
    this.queue.length = 0;
    this.dirty.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }
}
