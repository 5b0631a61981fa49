// The controller's own slice writes, remembered until its informer shows them. A sync
// that ran on a cache still missing a slice it just created would create another (and
// the next would delete one): with pods changing often, slices came and went in a loop,
// and a proxy could see a Service with no slice at all for a moment. So a Service whose
// writes are not yet visible is not synced; the slice's own event brings it back.

import type { Clock } from '../../client/clock.js';
import type { EndpointSliceObj } from './apply.js';

interface Pending {
  created: Set<string>;
  deleted: Set<string>;
  /** Slice name -> the resourceVersion our update produced. */
  updated: Map<string, number>;
  since: number;
}

export class SliceWriteTracker {
  private readonly pending = new Map<string, Pending>();

  /** maxWaitMs: writes someone else undid (a slice deleted by a user) stop holding syncs back after this. */
  constructor(private readonly clock: Clock, private readonly maxWaitMs = 5000) {}

  created(key: string, name: string): void {
    this.entry(key).created.add(name);
  }

  deleted(key: string, name: string): void {
    const e = this.entry(key);
    e.created.delete(name);
    e.updated.delete(name);
    e.deleted.add(name);
  }

  updated(key: string, name: string, resourceVersion: string | undefined): void {
    const rv = Number(resourceVersion);
    if (Number.isFinite(rv)) this.entry(key).updated.set(name, rv);
  }

  /** True when slices (the cache's view of key's slices) show every write made for key. */
  isCurrent(key: string, slices: readonly EndpointSliceObj[]): boolean {
    const e = this.pending.get(key);
    if (!e) return true;
    if (this.clock.now() - e.since > this.maxWaitMs) {
      this.pending.delete(key);
      return true;
    }
    const byName = new Map(slices.map((s) => [s.metadata.name ?? '', s]));
    for (const n of e.created) if (!byName.has(n)) return false;
    for (const n of e.deleted) if (byName.has(n)) return false;
    for (const [n, rv] of e.updated) {
      const s = byName.get(n);
      if (s && Number(s.metadata.resourceVersion) < rv) return false;
    }
    this.pending.delete(key);
    return true;
  }

  private entry(key: string): Pending {
    let e = this.pending.get(key);
    if (!e) this.pending.set(key, (e = { created: new Set(), deleted: new Set(), updated: new Map(), since: this.clock.now() }));
    return e;
  }
}
