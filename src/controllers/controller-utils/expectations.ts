// Expectations, as Kubernetes' controllers keep them: after asking for N creations (or
// the deletion of given pods) a controller must not act on its cache again until the
// informer has shown it those changes, or it would create (or delete) the same pods
// twice. Each observed creation lowers the count; deletions are tracked by pod key, so
// the same pod seen going twice (graceful deletion, then gone) counts once.
// Expectations older than the TTL are treated as met, so a lost event cannot wedge a
// controller for good.

import { realClock, type Clock } from '../../client/clock.js';

/** Kubernetes' ExpectationsTimeout. */
export const expectationsTtlMs = 5 * 60_000;

interface Entry {
  add: number;
  del: number;
  deleting: Set<string>;
  at: number;
}

export class Expectations {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock = realClock, private readonly ttlMs = expectationsTtlMs) {}

  /** True when the controller may sync key: nothing outstanding, expired, or never set. */
  satisfied(key: string): boolean {
    const e = this.entries.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.clock.now() - e.at > this.ttlMs;
  }

  expectCreations(key: string, n: number): void {
    this.entries.set(key, { add: n, del: 0, deleting: new Set(), at: this.clock.now() });
  }

  expectDeletions(key: string, podKeys: string[]): void {
    const deleting = new Set(podKeys);
    this.entries.set(key, { add: 0, del: deleting.size, deleting, at: this.clock.now() });
  }

  creationObserved(key: string): void {
    const e = this.entries.get(key);
    if (e) e.add--;
  }

  /** Lowers the creations expected by n (creations that were skipped or failed). */
  lowerCreations(key: string, n: number): void {
    const e = this.entries.get(key);
    if (e) e.add -= n;
  }

  deletionObserved(key: string, podKey: string): void {
    const e = this.entries.get(key);
    if (!e || !e.deleting.delete(podKey)) return;
    e.del--;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Outstanding counts, for tests and logs. */
  pending(key: string): { add: number; del: number } | undefined {
    const e = this.entries.get(key);
    return e ? { add: e.add, del: e.del } : undefined;
  }
}
