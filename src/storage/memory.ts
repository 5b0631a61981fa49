// An in-memory Store with etcd's full semantics, for unit tests of everything above
// storage: one global revision, every version kept until compaction (so reads at past
// revisions work), compare-and-swap writes, and watches that replay from a revision.
// It passes the same conformance suite (contract.ts) as the SQLite backend.

import { compareKeys, lowerBound } from './keys.js';
import { startReplay, DEFAULT_REPLAY_CHUNK, type ReplaySource } from './replay.js';
import {
  CompactedError, FutureRevisionError, KeyExistsError, KeyNotFoundError, RevisionMismatchError,
  StoreClosedError,
  type KeyValue, type RangeOptions, type RangeResult, type Store, type WatchEvent, type WatchHandle,
  type WatchOptions,
} from './store.js';
import { DEFAULT_MAX_BUFFERED_EVENTS, WatchSubscription } from './watch-subscription.js';

export interface MemoryStoreOptions {
  /** Events that may wait for one slow watcher before it is closed. Default 10 000. */
  maxBufferedEvents?: number;
  /** Log entries handed to a catching-up watcher per step. Default 1000. */
  replayChunk?: number;
}

interface Version {
  revision: number;
  key: string;
  /** For a delete: the value the key had. */
  value: string;
  deleted: boolean;
  createRevision: number;
  /** The live version this one replaced (kept only while a watch replay may need it). */
  prev: Version | undefined;
}

export class MemoryStore implements Store {
  private revision = 0;
  private compacted = 0;
  /** Every write above the compacted revision, in revision order: what watches replay. */
  private log: Version[] = [];
  /** Each key's versions, oldest first. */
  private history = new Map<string, Version[]>();
  /** Every key in history, in byte order. */
  private sortedKeys: string[] = [];
  private readonly live = new Set<WatchSubscription>();
  private readonly watchers = new Set<WatchSubscription>();
  private isClosed = false;
  private readonly maxBuffered: number;
  private readonly replayChunk: number;
  private readonly source: ReplaySource = {
    eventsAfter: (prefix, after, limit) => this.eventsAfter(prefix, after, limit),
    currentRevision: () => this.revision,
    compactedRevision: () => this.compacted,
  };

  constructor(opts: MemoryStoreOptions = {}) {
    this.maxBuffered = opts.maxBufferedEvents ?? DEFAULT_MAX_BUFFERED_EVENTS;
    this.replayChunk = opts.replayChunk ?? DEFAULT_REPLAY_CHUNK;
  }

  async currentRevision(): Promise<number> { this.assertOpen(); return this.revision; }
  async compactedRevision(): Promise<number> { this.assertOpen(); return this.compacted; }

  async get(key: string, revision?: number): Promise<KeyValue | undefined> {
    this.assertOpen();
    const at = this.readRevision(revision);
    const v = latestAt(this.history.get(key), at);
    return v && !v.deleted ? toKv(v) : undefined;
  }

  async range(prefix: string, opts: RangeOptions = {}): Promise<RangeResult> {
    this.assertOpen();
    const at = this.readRevision(opts.revision);
    const start = opts.startKey !== undefined && compareKeys(opts.startKey, prefix) > 0 ? opts.startKey : prefix;
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    const kvs: KeyValue[] = [];
    let more = false;
    for (let i = lowerBound(this.sortedKeys, start); i < this.sortedKeys.length; i++) {
      const key = this.sortedKeys[i]!;
      if (!key.startsWith(prefix)) break;
      const v = latestAt(this.history.get(key), at);
      if (!v || v.deleted) continue;
      if (kvs.length === limit) { more = true; break; }
      kvs.push(toKv(v));
    }
    return { kvs, more, revision: at };
  }

  async count(prefix: string): Promise<number> {
    return (await this.range(prefix)).kvs.length;
  }

  async create(key: string, value: string): Promise<KeyValue> {
    this.assertOpen();
    return toKv(this.write(key, value, false, (cur) => { if (cur) throw new KeyExistsError(key); }));
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<KeyValue> {
    this.assertOpen();
    return toKv(this.write(key, value, false, (cur) => checkGuard(key, cur, expectedModRevision)));
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    this.assertOpen();
    const v = this.write(key, '', true, (cur) => checkGuard(key, cur, expectedModRevision));
    return toKv(v.prev!);
  }

  async watch(prefix: string, afterRevision: number, opts: WatchOptions): Promise<WatchHandle> {
    this.assertOpen();
    if (afterRevision < this.compacted) throw new CompactedError(afterRevision, this.compacted);
    const sub = new WatchSubscription(prefix, afterRevision, opts, this.maxBuffered, (s) => {
      this.live.delete(s);
      this.watchers.delete(s);
    });
    this.watchers.add(sub);
    startReplay(sub, this.source, this.replayChunk, (s) => this.live.add(s));
    return sub;
  }

  async compact(revision: number): Promise<void> {
    this.assertOpen();
    if (revision > this.revision) throw new FutureRevisionError(revision, this.revision);
    if (revision <= this.compacted) return;
    for (const [key, versions] of this.history) {
      let keep = versions.filter((v, i) => v.revision > revision || versions[i + 1] === undefined || versions[i + 1]!.revision > revision);
      if (keep[0] && keep[0].revision <= revision) {
        // The version live at the compacted revision: no replay will ask for what it replaced.
        keep[0].prev = undefined;
        if (keep[0].deleted) keep = keep.slice(1);
      }
      if (keep.length === 0) this.history.delete(key);
      else this.history.set(key, keep);
    }
    this.sortedKeys = this.sortedKeys.filter((k) => this.history.has(k));
    this.log = this.log.slice(firstAfter(this.log, revision));
    this.compacted = revision;
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const sub of [...this.watchers]) sub.fail(new StoreClosedError());
  }

  private write(key: string, value: string, deleted: boolean, guard: (cur: Version | undefined) => void): Version {
    const versions = this.history.get(key);
    const last = versions?.[versions.length - 1];
    const cur = last && !last.deleted ? last : undefined;
    guard(cur);
    const revision = ++this.revision;
    const v: Version = {
      revision, key, deleted,
      value: deleted ? cur!.value : value,
      createRevision: cur ? cur.createRevision : revision,
      prev: cur,
    };
    if (versions) versions.push(v);
    else {
      this.history.set(key, [v]);
      this.sortedKeys.splice(lowerBound(this.sortedKeys, key), 0, key);
    }
    this.log.push(v);
    const events = [toEvent(v)];
    for (const sub of this.live) sub.offer(events);
    return v;
  }

  private eventsAfter(prefix: string, after: number, limit: number): WatchEvent[] {
    const out: WatchEvent[] = [];
    for (let i = firstAfter(this.log, after); i < this.log.length && out.length < limit; i++) {
      const v = this.log[i]!;
      if (v.key.startsWith(prefix)) out.push(toEvent(v));
    }
    return out;
  }

  private readRevision(revision: number | undefined): number {
    if (!revision) return this.revision;
    if (revision < this.compacted) throw new CompactedError(revision, this.compacted);
    if (revision > this.revision) throw new FutureRevisionError(revision, this.revision);
    return revision;
  }

  private assertOpen(): void {
    if (this.isClosed) throw new StoreClosedError();
  }
}

function checkGuard(key: string, cur: Version | undefined, expected: number | undefined): void {
  if (!cur) throw new KeyNotFoundError(key);
  if (expected !== undefined && cur.revision !== expected) throw new RevisionMismatchError(key, expected, cur.revision);
}

/** The last version at or before rev (versions are in revision order). */
function latestAt(versions: Version[] | undefined, rev: number): Version | undefined {
  if (!versions) return undefined;
  const i = firstAfter(versions, rev);
  return i > 0 ? versions[i - 1] : undefined;
}

/** Index of the first entry whose revision is greater than rev. */
function firstAfter(list: readonly Version[], rev: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.revision <= rev) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function toKv(v: Version): KeyValue {
  return { key: v.key, value: v.value, createRevision: v.createRevision, modRevision: v.revision };
}

function toEvent(v: Version): WatchEvent {
  const ev: WatchEvent = { type: v.deleted ? 'delete' : 'put', kv: toKv(v), revision: v.revision };
  if (v.prev) ev.prevKv = toKv(v.prev);
  return ev;
}
