// Runs a controller's workers: each takes a key from the queue, calls sync(key), and on
// failure requeues the key with back-off (on success its back-off is forgotten). Sync
// functions are level-triggered: they read the current state and converge on it, so a
// retry is always safe.

import type { EventHandlers } from './informer.js';
import { silentLogger, type Logger } from './log.js';
import { objectKey, type KObject } from './types.js';
import type { WorkQueue } from './work-queue.js';

/** A sync may ask for a later look without counting as a failure. */
export interface SyncResult {
  requeueAfterMs?: number;
}

export interface RunWorkersOptions<K> {
  queue: WorkQueue<K>;
  sync(key: K): Promise<SyncResult | void>;
  /** Number of concurrent workers. Default 1. */
  workers?: number;
  /** Used in log lines. */
  name: string;
  log?: Logger;
}

export interface Workers {
  /** Shuts the queue down and waits for in-flight syncs to finish. */
  stop(): Promise<void>;
}

export function runWorkers<K>(opts: RunWorkersOptions<K>): Workers {
  const log = opts.log ?? silentLogger;
  const n = Math.max(1, opts.workers ?? 1);
  const loops: Promise<void>[] = [];
  for (let i = 0; i < n; i++) loops.push(workerLoop(opts, log));
  return {
    async stop() {
      opts.queue.shutDown();
      await Promise.all(loops);
    },
  };
}

async function workerLoop<K>(opts: RunWorkersOptions<K>, log: Logger): Promise<void> {
  const q = opts.queue;
  for (;;) {
    const key = await q.get();
    if (key === undefined) return;
    try {
      const r = await opts.sync(key);
      q.forget(key);
      if (r && r.requeueAfterMs !== undefined) q.addAfter(key, r.requeueAfterMs);
    } catch (err) {
      const e = err as Error;
      log.warn(`${opts.name}: sync ${String(key)} failed (attempt ${q.numRequeues(key) + 1}): ${e.name}: ${e.message}`);
      q.addRateLimited(key);
    } finally {
      q.done(key);
    }
  }
}

/**
 * Informer handlers that only enqueue the object's `namespace/name` key on add, update
 * and delete (when filter, if given, accepts it): the edge carries no meaning, the sync
 * that follows reads the current state.
 */
export function enqueueHandlers<T extends KObject>(queue: WorkQueue<string>, filter?: (obj: T) => boolean): EventHandlers<T> {
  const add = (o: T) => {
    if (!filter || filter(o)) queue.add(objectKey(o));
  };
  return { onAdd: add, onUpdate: (_old, o) => add(o), onDelete: add };
}
