// Small helpers for the store conformance suite.

import assert from 'node:assert/strict';
import type { Store, WatchEvent, WatchHandle } from './store.js';

/** What a backend's test file hands the suite: a fresh store, how to reopen it, how to clean up. */
export interface StoreFixture {
  store: Store;
  /** Closes nothing: the suite closes `store` first, then calls this to open the same data again. */
  reopen?: () => Promise<Store>;
  /**
   * Set (to the reason) when the store's revision counter is shared with others, as an
   * etcd cluster's is: a new store then need not start at revision 0.
   */
  sharesRevisions?: string;
  /** The maxBufferedEvents the store was made with, if not the default (10 000). */
  maxBufferedEvents?: number;
  /** Removes whatever the store left behind (files, directories). */
  cleanup: () => Promise<void>;
}

export type NewStore = () => Promise<StoreFixture>;

/** Runs fn on a fresh store, closing and cleaning up even when fn fails. */
export async function withStore(newStore: NewStore, fn: (store: Store, fx: StoreFixture) => Promise<void>): Promise<void> {
  const fx = await newStore();
  try {
    await fn(fx.store, fx);
  } finally {
    await fx.store.close().catch(() => {});
    await fx.cleanup();
  }
}

export interface Collector {
  events: WatchEvent[];
  closedWith: Error | undefined;
  closed: boolean;
  handle: WatchHandle;
  /** Resolves once pred holds for the events so far; rejects after timeoutMs. */
  until(pred: (events: WatchEvent[]) => boolean, timeoutMs?: number): Promise<void>;
}

export async function collect(store: Store, prefix: string, after: number): Promise<Collector> {
  const waiters = new Set<() => void>();
  const c: Omit<Collector, 'handle'> & { handle?: WatchHandle } = {
    events: [],
    closedWith: undefined,
    closed: false,
    until(pred, timeoutMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (!pred(c.events)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`watch: condition not met after ${timeoutMs} ms (${c.events.length} events)`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
  const wake = (): void => { for (const w of [...waiters]) w(); };
  c.handle = await store.watch(prefix, after, {
    onEvents: (evs) => { c.events.push(...evs); wake(); },
    onClose: (err) => { c.closed = true; c.closedWith = err; wake(); },
  });
  return c as Collector;
}

/** Asserts revisions strictly increase (no duplicate, no reordering). */
export function assertStrictlyIncreasing(events: WatchEvent[]): void {
  for (let i = 1; i < events.length; i++) {
    assert.ok(events[i]!.revision > events[i - 1]!.revision,
      `event ${i} has revision ${events[i]!.revision} after ${events[i - 1]!.revision}`);
  }
}

export async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.equal((err as { code?: unknown }).code, code, `expected ${code}, got ${String(err)}`);
    return true;
  });
}

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
