// Expectations: the creates and deletes a controller has sent but its informer has not
// shown it yet. While any are outstanding the cache is known to be behind, and a sync
// acting on it would create (or delete) the same pods twice. They expire after five
// minutes, so a lost watch event can only delay a controller, never stall it.

import type { Clock } from '../../client/clock.js';

const ttlMs = 5 * 60_000;

interface Pending {
  adds: Set<string>;
  deletes: Set<string>;
  since: number;
}

export class Expectations {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly clock: Clock) {}

  private entry(key: string): Pending {
    let e = this.pending.get(key);
    if (!e) this.pending.set(key, (e = { adds: new Set(), deletes: new Set(), since: this.clock.now() }));
    return e;
  }

  expectAdd(key: string, name: string): void {
    const e = this.entry(key);
    e.adds.add(name);
    e.since = this.clock.now();
  }

  expectDelete(key: string, name: string): void {
    const e = this.entry(key);
    e.deletes.add(name);
    e.since = this.clock.now();
  }

  /** The informer showed the object (or the write failed, so it never will). */
  observeAdd(key: string, name: string): void {
    this.pending.get(key)?.adds.delete(name);
  }

  observeDelete(key: string, name: string): void {
    this.pending.get(key)?.deletes.delete(name);
  }

  satisfied(key: string): boolean {
    const e = this.pending.get(key);
    if (!e) return true;
    if ((e.adds.size === 0 && e.deletes.size === 0) || this.clock.now() - e.since > ttlMs) {
      this.pending.delete(key);
      return true;
    }
    return false;
  }

  forget(key: string): void {
    this.pending.delete(key);
  }
}
