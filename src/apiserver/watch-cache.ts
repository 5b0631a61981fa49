// The watch cache: every object of every resource held in memory, fed by one watch on
// the datastore. LIST and WATCH are served from here, as kube-apiserver's cacher does:
// each resource keeps its current objects and a bounded ring of recent events, so a
// watch can resume from any resourceVersion the ring still covers (older ones get 410).
// Each event is serialised once; every watcher gets the same bytes.

import type { Store, WatchEvent, WatchHandle } from '../storage/store.js';
import { CompactedError } from '../storage/store.js';
import type { KObject } from './kobject.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface CacheEntry {
  key: string;
  obj: KObject;
  /** The object serialised, with metadata.resourceVersion set. */
  json: string;
  rev: number;
}

export class CacheEvent {
  private lines = new Map<EventType, Buffer>();
  constructor(
    readonly type: EventType,
    readonly entry: CacheEntry,
    readonly prev: CacheEntry | undefined,
  ) {}

  /** The watch stream line for this event, built once and shared by every JSON watcher. */
  line(type: EventType = this.type): Buffer {
    let b = this.lines.get(type);
    if (!b) {
      b = Buffer.from(`{"type":"${type}","object":${this.entry.json}}\n`);
      this.lines.set(type, b);
    }
    return b;
  }
}

/** What a watcher receives: an event, possibly retyped by its filter (MODIFIED -> ADDED/DELETED). */
export interface Delivery {
  type: EventType;
  event: CacheEvent;
}

export interface WatchSink {
  /** Returns false when the watcher cannot keep up; it is then closed. */
  deliver(batch: Delivery[]): boolean;
  close(reason?: Error): void;
}

export type ObjectFilter = (obj: KObject) => boolean;

interface Subscription {
  filter: ObjectFilter;
  sink: WatchSink;
  trigger?: Trigger;
}

/**
 * A watcher that wants only objects whose indexed field has one value (a kubelet's
 * pods by spec.nodeName) names it, so an event is offered to the few watchers whose
 * value it carries instead of being filtered by every watcher.
 */
export interface Trigger {
  index: string;
  value: string;
}

/** Per resource, the fields watchers may trigger on, and how to read them. */
export type TriggerIndexes = Record<string, Record<string, (obj: KObject) => string>>;

export class TooOldResourceVersionError extends Error {
  readonly code = 'TOO_OLD_RESOURCE_VERSION';
  constructor(readonly requested: number, readonly oldest: number) {
    super(`too old resource version: ${requested} (${oldest})`);
    this.name = 'TooOldResourceVersionError';
  }
}

export class CacheNotReadyError extends Error {
  readonly code = 'CACHE_NOT_READY';
  constructor(readonly waitedFor: number) {
    super(`Too large resource version: ${waitedFor}, current: unknown`);
    this.name = 'CacheNotReadyError';
  }
}

class ResourceCache {
  readonly entries = new Map<string, CacheEntry>();
  private sorted: CacheEntry[] | undefined;
  readonly ring: CacheEvent[] = [];
  private ringHead = 0;
  /** Every event with rev > ringStart is in the ring. */
  ringStart: number;
  /** Watchers without a trigger: offered every event. */
  readonly subs = new Set<Subscription>();
  /** Watchers with a trigger, by index name, then by value. */
  readonly triggered = new Map<string, Map<string, Set<Subscription>>>();

  constructor(startRev: number, private readonly capacity: number, readonly indexes: Record<string, (obj: KObject) => string>) {
    this.ringStart = startRev;
  }

  add(sub: Subscription): void {
    if (!sub.trigger) {
      this.subs.add(sub);
      return;
    }
    const byValue = this.triggered.get(sub.trigger.index) ?? new Map<string, Set<Subscription>>();
    this.triggered.set(sub.trigger.index, byValue);
    const set = byValue.get(sub.trigger.value) ?? new Set<Subscription>();
    byValue.set(sub.trigger.value, set);
    set.add(sub);
  }

  remove(sub: Subscription): void {
    if (!sub.trigger) {
      this.subs.delete(sub);
      return;
    }
    const byValue = this.triggered.get(sub.trigger.index);
    const set = byValue?.get(sub.trigger.value);
    set?.delete(sub);
    if (set && set.size === 0) byValue!.delete(sub.trigger.value);
  }

  /** The watchers an event may concern: every untriggered one, and those whose value the old or new object carries. */
  interested(ev: CacheEvent): Iterable<Subscription> {
    if (this.triggered.size === 0) return this.subs;
    const out = new Set(this.subs);
    for (const [index, byValue] of this.triggered) {
      const read = this.indexes[index];
      if (!read) continue;
      for (const o of [ev.entry.obj, ev.prev?.obj]) {
        if (!o) continue;
        for (const s of byValue.get(read(o)) ?? []) out.add(s);
      }
    }
    return out;
  }

  allSubs(): Subscription[] {
    const out = [...this.subs];
    for (const byValue of this.triggered.values()) for (const set of byValue.values()) out.push(...set);
    return out;
  }

  /** Every entry in key order; the array is immutable (a new one is built after a change). */
  sortedEntries(): readonly CacheEntry[] {
    if (!this.sorted) this.sorted = [...this.entries.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return this.sorted;
  }

  /** Snapshots of sortedEntries by revision, for paged lists whose later pages must see the first page's state. */
  readonly snapshots = new Map<number, { entries: readonly CacheEntry[]; taken: number }>();

  apply(ev: CacheEvent): void {
    if (ev.type === 'DELETED') this.entries.delete(ev.entry.key);
    else this.entries.set(ev.entry.key, ev.entry);
    // The sorted array is never changed in place: lists and paging snapshots share it.
    this.sorted = undefined;
    if (this.ring.length < this.capacity) this.ring.push(ev);
    else {
      this.ringStart = this.ring[this.ringHead].entry.rev;
      this.ring[this.ringHead] = ev;
      this.ringHead = (this.ringHead + 1) % this.capacity;
    }
  }

  /** Ring events after rev, oldest first. */
  eventsAfter(rev: number): CacheEvent[] {
    const ordered = this.ring.length < this.capacity ? this.ring : [...this.ring.slice(this.ringHead), ...this.ring.slice(0, this.ringHead)];
    let lo = 0;
    let hi = ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ordered[mid].entry.rev <= rev) lo = mid + 1;
      else hi = mid;
    }
    return ordered.slice(lo);
  }
}

export interface WatchCacheOptions {
  store: Store;
  /** Maps a storage key to the resource it belongs to (undefined: not cached). */
  resourceOf: (key: string) => string | undefined;
  /** Events kept per resource for resuming watches. Default 10000. */
  ringCapacity?: number;
  /** Key prefix the cache watches. Default '/registry/'. */
  prefix?: string;
  /** Fields watchers of a resource may trigger on. Default none. */
  triggers?: TriggerIndexes;
  log?: (msg: string) => void;
}

export class WatchCache {
  private readonly resources = new Map<string, ResourceCache>();
  private revision = 0;
  private startRevision = 0;
  private waiters: { rev: number; resolve: () => void }[] = [];
  private handle: WatchHandle | undefined;
  private closed = false;
  private readonly prefix: string;
  private readonly capacity: number;

  constructor(private readonly opts: WatchCacheOptions) {
    this.prefix = opts.prefix ?? '/registry/';
    this.capacity = opts.ringCapacity ?? 10000;
  }

  currentRevision(): number {
    return this.revision;
  }

  async start(): Promise<void> {
    const { store } = this.opts;
    const res = await store.range(this.prefix);
    this.resources.clear();
    this.revision = res.revision;
    this.startRevision = res.revision;
    for (const kv of res.kvs) {
      const resource = this.opts.resourceOf(kv.key);
      if (resource === undefined) continue;
      const entry = decodeEntry(kv.key, kv.value, kv.modRevision);
      this.resource(resource).entries.set(kv.key, entry);
    }
    await this.watchFrom(res.revision);
  }

  private async watchFrom(rev: number): Promise<void> {
    this.handle = await this.opts.store.watch(this.prefix, rev, {
      onEvents: (events) => this.onEvents(events),
      onClose: (err) => {
        if (this.closed) return;
        this.opts.log?.(`watch cache: datastore watch ended (${err?.message ?? 'closed'}); resuming`);
        void this.resume();
      },
    });
  }

  private async resume(): Promise<void> {
    try {
      await this.watchFrom(this.revision);
    } catch (err) {
      if (!(err instanceof CompactedError)) throw err;
      // History is gone: start over, and close every watcher so clients relist.
      for (const rc of this.resources.values()) for (const s of rc.allSubs()) s.sink.close(new TooOldResourceVersionError(this.revision, err.compacted));
      await this.start();
    }
  }

  private resource(name: string): ResourceCache {
    let rc = this.resources.get(name);
    if (!rc) {
      rc = new ResourceCache(this.startRevision, this.capacity, this.opts.triggers?.[name] ?? {});
      this.resources.set(name, rc);
    }
    return rc;
  }

  private onEvents(events: WatchEvent[]): void {
    const touched = new Map<ResourceCache, CacheEvent[]>();
    for (const ev of events) {
      const resource = this.opts.resourceOf(ev.kv.key);
      if (resource !== undefined) {
        const rc = this.resource(resource);
        const prev = rc.entries.get(ev.kv.key);
        const entry = decodeEntry(ev.kv.key, ev.kv.value, ev.type === 'delete' ? ev.revision : ev.kv.modRevision);
        const type: EventType = ev.type === 'delete' ? 'DELETED' : prev ? 'MODIFIED' : 'ADDED';
        const ce = new CacheEvent(type, entry, prev);
        rc.apply(ce);
        const list = touched.get(rc) ?? [];
        list.push(ce);
        touched.set(rc, list);
      }
      this.revision = Math.max(this.revision, ev.revision);
    }
    for (const [rc, evs] of touched) {
      // Batch per watcher, so each gets one write per committed batch.
      const perSub = new Map<Subscription, CacheEvent[]>();
      for (const ev of evs) {
        for (const sub of rc.interested(ev)) {
          const list = perSub.get(sub);
          if (list) list.push(ev);
          else perSub.set(sub, [ev]);
        }
      }
      for (const [sub, list] of perSub) this.send(rc, sub, list);
    }
    this.wakeWaiters();
  }

  private send(rc: ResourceCache, sub: Subscription, events: CacheEvent[]): void {
    const batch: Delivery[] = [];
    for (const ev of events) {
      const type = filteredType(ev, sub.filter);
      if (type) batch.push({ type, event: ev });
    }
    if (batch.length === 0) return;
    if (!sub.sink.deliver(batch)) {
      rc.remove(sub);
      sub.sink.close(new Error('watcher too slow'));
    }
  }

  private wakeWaiters(): void {
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => w.rev <= this.revision);
    this.waiters = this.waiters.filter((w) => w.rev > this.revision);
    for (const w of ready) w.resolve();
  }

  /** Resolves once the cache has seen every write up to rev; rejects with CacheNotReadyError after timeoutMs. */
  waitFor(rev: number, timeoutMs = 3000): Promise<void> {
    if (rev <= this.revision) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = { rev, resolve: () => { clearTimeout(timer); resolve(); } };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new CacheNotReadyError(rev));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Waits until the cache reflects the datastore's latest write: a consistent read. */
  async sync(): Promise<void> {
    await this.waitFor(await this.opts.store.currentRevision());
  }

  /** Current entries of a resource, in key order, optionally only those under keyPrefix. */
  list(resource: string, keyPrefix?: string): readonly CacheEntry[] {
    const all = this.resources.get(resource)?.sortedEntries() ?? [];
    return keyPrefix ? all.slice(lowerBound(all, keyPrefix), lowerBound(all, keyPrefix + '\uffff')) : all;
  }

  /**
   * The entries of a resource as of the cache's current revision, remembered for a while
   * so that the later pages of a paged list read the same state as the first.
   */
  snapshot(resource: string): { rev: number; entries: readonly CacheEntry[] } {
    const rc = this.resource(resource);
    const entries = rc.sortedEntries();
    const now = Date.now();
    for (const [rev, snap] of rc.snapshots) if (now - snap.taken > snapshotTtlMs) rc.snapshots.delete(rev);
    if (!rc.snapshots.has(this.revision)) {
      rc.snapshots.set(this.revision, { entries, taken: now });
      if (rc.snapshots.size > maxSnapshots) rc.snapshots.delete(rc.snapshots.keys().next().value as number);
    }
    return { rev: this.revision, entries };
  }

  /** A snapshot taken earlier at rev, if it is still kept. */
  snapshotAt(resource: string, rev: number): readonly CacheEntry[] | undefined {
    return this.resources.get(resource)?.snapshots.get(rev)?.entries;
  }

  get(resource: string, key: string): CacheEntry | undefined {
    return this.resources.get(resource)?.entries.get(key);
  }

  /**
   * Starts a watch. With fromRev undefined the watcher first gets ADDED for every
   * matching object, then live events; otherwise every event after fromRev.
   * Returns a function that stops the watch.
   */
  watch(resource: string, fromRev: number | undefined, filter: ObjectFilter, sink: WatchSink, trigger?: Trigger): () => void {
    const rc = this.resource(resource);
    let initial: Delivery[];
    if (fromRev === undefined) {
      initial = rc.sortedEntries().filter((e) => filter(e.obj)).map((e) => ({ type: 'ADDED' as const, event: new CacheEvent('ADDED', e, undefined) }));
    } else {
      if (fromRev < rc.ringStart) throw new TooOldResourceVersionError(fromRev, rc.ringStart + 1);
      initial = [];
      for (const ev of rc.eventsAfter(fromRev)) {
        const type = filteredType(ev, filter);
        if (type) initial.push({ type, event: ev });
      }
    }
    const sub: Subscription = { filter, sink, trigger: trigger && rc.indexes[trigger.index] ? trigger : undefined };
    rc.add(sub);
    if (initial.length > 0 && !sink.deliver(initial)) {
      rc.remove(sub);
      sink.close(new Error('watcher too slow'));
    }
    return () => { rc.remove(sub); };
  }

  watcherCount(): number {
    let n = 0;
    for (const rc of this.resources.values()) n += rc.allSubs().length;
    return n;
  }

  close(): void {
    this.closed = true;
    this.handle?.close();
    for (const rc of this.resources.values()) {
      for (const s of rc.allSubs()) s.sink.close();
      rc.subs.clear();
      rc.triggered.clear();
    }
  }
}

const snapshotTtlMs = 60_000;
const maxSnapshots = 16;

/** The index of the first entry whose key is >= key. */
export function lowerBound(entries: readonly CacheEntry[], key: string): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (entries[mid].key < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The event type a watcher with this filter sees, or undefined if it sees nothing. */
function filteredType(ev: CacheEvent, filter: ObjectFilter): EventType | undefined {
  const now = filter(ev.entry.obj);
  if (ev.type !== 'MODIFIED') return now ? ev.type : undefined;
  const before = ev.prev ? filter(ev.prev.obj) : false;
  if (now) return before ? 'MODIFIED' : 'ADDED';
  return before ? 'DELETED' : undefined;
}

function decodeEntry(key: string, value: string, rev: number): CacheEntry {
  const obj = JSON.parse(value) as KObject;
  obj.metadata = obj.metadata ?? {};
  obj.metadata.resourceVersion = String(rev);
  return { key, obj, json: JSON.stringify(obj), rev };
}
