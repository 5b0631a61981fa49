// Two small concurrency helpers: run at most N tasks at once, and share one running
// promise among everyone who asks for the same key (unpack once, download once).

/** Map over items with at most `limit` running at a time; rejects on the first error. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!, i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const workers = Array.from({ length: Math.min(limit, items.length) }, worker);
  const results = await Promise.allSettled(workers);
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
  return out;
}

/** Deduplicates concurrent work by key; the entry is dropped when the work settles. */
export class SingleFlight<T> {
  private readonly running_ = new Map<string, Promise<T>>();

  running(key: string): boolean {
    return this.running_.has(key);
  }

  do(key: string, fn: () => Promise<T>): Promise<T> {
    const r = this.running_.get(key);
    if (r) return r;
    const p = fn().finally(() => this.running_.delete(key));
    this.running_.set(key, p);
    return p;
  }
}

/** A promise-chain mutex: callers run one at a time, in order. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.tail.then(fn, fn);
    this.tail = p.catch(() => undefined);
    return p;
  }
}

/**
 * Shared/exclusive lock: pulls, imports and root preparations share it; gc takes it
 * alone, so it never collects a blob or snapshot a running pull has just made but not
 * yet recorded.
 */
export class SharedLock {
  private shared = 0;
  private exclusive: Promise<void> | undefined;
  private drained: (() => void) | undefined;

  async withShared<T>(fn: () => Promise<T>): Promise<T> {
    while (this.exclusive) await this.exclusive;
    this.shared++;
    try {
      return await fn();
    } finally {
      this.shared--;
      if (this.shared === 0) this.drained?.();
    }
  }

  async withExclusive<T>(fn: () => Promise<T>): Promise<T> {
    while (this.exclusive) await this.exclusive;
    let release!: () => void;
    this.exclusive = new Promise((r) => (release = r));
    try {
      if (this.shared > 0) await new Promise<void>((r) => (this.drained = r));
      this.drained = undefined;
      return await fn();
    } finally {
      this.exclusive = undefined;
      release();
    }
  }
}
