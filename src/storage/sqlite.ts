// The embedded datastore: etcd's semantics over one SQLite file (see sqlite-schema.ts
// for the layout). Writes go through group commit (group-commit.ts): one transaction and
// one fsync per batch, with each write's compare-and-swap decided inside it in order.
// The fsync runs off the event loop (wal-sync.ts): a committed batch is neither
// acknowledged, nor visible to reads, nor sent to watchers until it is on disk, so the
// store reads at the durable revision while later batches commit above it. After that
// the batch's events go to the live watchers; a watch from the past first replays the
// log (replay.ts). A timer compacts old history and truncates the WAL so
// neither the table nor the WAL grows without bound.

import { GroupCommit, type Committed, type Outcome } from './group-commit.js';
import { WalSync } from './wal-sync.js';
import { compareKeys, prefixEnd } from './keys.js';
import { startReplay, DEFAULT_REPLAY_CHUNK, type ReplaySource } from './replay.js';
import { NO_UPPER_BOUND, openDatabase, prepare, type Db, type EventRow, type Statements } from './sqlite-schema.js';
import { applyWrite, rowToKv, type WriteOp } from './sqlite-writes.js';
import {
  CompactedError, FutureRevisionError, StorageError, StoreClosedError,
  type KeyValue, type RangeOptions, type RangeResult, type Store, type WatchEvent, type WatchHandle,
  type WatchOptions,
} from './store.js';
import { DEFAULT_MAX_BUFFERED_EVENTS, WatchSubscription } from './watch-subscription.js';

export interface SqliteStoreOptions {
  /** The database file; created with its tables when absent, resumed at its revision when present. */
  path: string;
  /** Most writes committed in one transaction. Default 1000. */
  maxBatch?: number;
  /** How often the background compactor runs, in ms; 0 turns it off. Default 300 000 (5 minutes, as kine and kube-apiserver). */
  compactIntervalMs?: number;
  /** Revisions the background compactor keeps below the current one. Default 1000 (as kine). */
  compactKeepRevisions?: number;
  /** Revisions compacted per transaction, so compaction never holds up writes for long. Default 10 000. */
  compactChunkRevisions?: number;
  /** How often the WAL is checkpointed and truncated, in ms; 0 turns it off. Default 60 000. */
  checkpointIntervalMs?: number;
  /** WAL bytes left on disk after a checkpoint (SQLite's journal_size_limit). Default 16 MiB. */
  walSizeLimitBytes?: number;
  /** Events that may wait for one slow watcher before it is closed with WatchOverflowError. Default 10 000. */
  maxBufferedEvents?: number;
  /** Log rows read per step when a watch replays history. Default 1000. */
  replayChunk?: number;
  /** Lock the file for this process alone, so a second server cannot write behind our back. Default true. */
  exclusive?: boolean;
  /** How long opening waits for another process's lock on the file before failing, in ms. Default 5000. */
  busyTimeoutMs?: number;
}

export interface SqliteStoreStats {
  /** Write transactions committed. */
  commits: number;
  /** Writes applied (acknowledged with success). */
  writes: number;
  /** Writes refused (conflicts, missing keys) or lost with a failed transaction. */
  failedWrites: number;
  /** The most writes one transaction carried. */
  largestBatch: number;
  /** Compaction transactions run. */
  compactions: number;
  /** WAL checkpoints run by checkpoint(). */
  checkpoints: number;
  /** Rows in the log table now (live keys, their history since compaction, tombstones). */
  rows: number;
}

export class SqliteStore implements Store {
  private readonly db: Db;
  private readonly st: Statements;
  private readonly writer: GroupCommit<WriteOp, KeyValue>;
  /** The newest committed revision (writes decide their compare-and-swap against it). */
  private revision: number;
  /** The newest revision on disk: what reads, watchers and currentRevision see. */
  private durableRevision: number;
  /** Undefined when the file could not be put in WAL mode: then SQLite fsyncs each commit itself (synchronous=FULL). */
  private readonly walSync: WalSync | undefined;
  private compacted: number;
  private isClosed = false;
  private compacting: Promise<void> = Promise.resolve();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly live = new Set<WatchSubscription>();
  private readonly watchers = new Set<WatchSubscription>();
  private readonly counters = { commits: 0, writes: 0, failedWrites: 0, largestBatch: 0, compactions: 0, checkpoints: 0 };
  private readonly maxBuffered: number;
  private readonly replayChunk: number;
  private readonly compactChunk: number;
  private readonly source: ReplaySource = {
    eventsAfter: (prefix, after, limit) => this.eventsAfter(prefix, after, limit),
    currentRevision: () => this.durableRevision,
    compactedRevision: () => this.compacted,
  };

  constructor(opts: SqliteStoreOptions) {
    this.db = openDatabase({
      path: opts.path,
      exclusive: opts.exclusive ?? true,
      walSizeLimitBytes: opts.walSizeLimitBytes ?? 16 * 1024 * 1024,
      busyTimeoutMs: opts.busyTimeoutMs ?? 5000,
    });
    this.st = prepare(this.db);
    this.revision = this.st.sequence.get()?.seq ?? 0;
    this.durableRevision = this.revision;
    if (String(this.db.pragma('journal_mode', { simple: true })) === 'wal') this.walSync = new WalSync(`${opts.path}-wal`);
    else this.db.pragma('synchronous = FULL');
    this.compacted = this.st.getMeta.get('compacted')?.value ?? 0;
    this.maxBuffered = opts.maxBufferedEvents ?? DEFAULT_MAX_BUFFERED_EVENTS;
    this.replayChunk = opts.replayChunk ?? DEFAULT_REPLAY_CHUNK;
    this.compactChunk = Math.max(1, opts.compactChunkRevisions ?? 10_000);
    this.writer = new GroupCommit((ops) => this.commitBatch(ops), Math.max(1, opts.maxBatch ?? 1000),
      (err) => new StorageError('write transaction failed', { cause: err }));
    const keep = opts.compactKeepRevisions ?? 1000;
    this.every(opts.compactIntervalMs ?? 300_000, () => {
      const target = this.durableRevision - keep;
      if (target > this.compacted) this.compact(target).then(() => this.checkpoint()).catch(() => { /* retried next interval */ });
    });
    this.every(opts.checkpointIntervalMs ?? 60_000, () => this.checkpoint());
  }

  async currentRevision(): Promise<number> { this.assertOpen(); return this.durableRevision; }
  async compactedRevision(): Promise<number> { this.assertOpen(); return this.compacted; }

  async get(key: string, revision?: number): Promise<KeyValue | undefined> {
    this.assertOpen();
    const row = this.st.at.get(key, this.readRevision(revision));
    return row && row.deleted === 0 ? rowToKv(row) : undefined;
  }

  async range(prefix: string, opts: RangeOptions = {}): Promise<RangeResult> {
    this.assertOpen();
    const rev = this.readRevision(opts.revision);
    const lo = opts.startKey !== undefined && compareKeys(opts.startKey, prefix) > 0 ? opts.startKey : prefix;
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    // One row past the limit tells whether more remain.
    const rows = this.st.range.all({ lo, hi: upperBound(prefix), rev, limit: limit ? limit + 1 : -1 });
    const more = limit > 0 && rows.length > limit;
    if (more) rows.length = limit;
    return { kvs: rows.map(rowToKv), more, revision: rev };
  }

  async count(prefix: string): Promise<number> {
    this.assertOpen();
    return this.st.count.get({ lo: prefix, hi: upperBound(prefix) })!.n;
  }

  create(key: string, value: string): Promise<KeyValue> {
    return this.submit({ kind: 'create', key, value });
  }

  update(key: string, value: string, expectedModRevision: number): Promise<KeyValue> {
    return this.submit({ kind: 'update', key, value, expected: expectedModRevision });
  }

  delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    return this.submit({ kind: 'delete', key, expected: expectedModRevision });
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

  compact(revision: number): Promise<void> {
    // Serialised: a second compaction waits for the first instead of interleaving chunks.
    const run = this.compacting.then(() => this.compactNow(revision));
    this.compacting = run.catch(() => {});
    return run;
  }

  /** Copies the WAL into the database and truncates it to zero bytes. */
  checkpoint(): void {
    if (this.isClosed) return;
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.counters.checkpoints++;
  }

  /**
   * The settings durability rests on, as SQLite reports them (for diagnostics and tests):
   * WAL with synchronous=NORMAL, and this store's own fsync of the WAL after every commit
   * before it is acknowledged (wal-sync.ts), which together give synchronous=FULL's promise.
   */
  durability(): { journalMode: string; synchronous: string; fsyncPerCommit: boolean } {
    this.assertOpen();
    const journalMode = String(this.db.pragma('journal_mode', { simple: true }));
    const level = Number(this.db.pragma('synchronous', { simple: true }));
    return { journalMode, synchronous: ['OFF', 'NORMAL', 'FULL', 'EXTRA'][level] ?? String(level), fsyncPerCommit: this.walSync !== undefined || level >= 2 };
  }

  stats(): SqliteStoreStats {
    this.assertOpen();
    return { ...this.counters, rows: this.st.rowCount.get()!.n };
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    for (const t of this.timers) clearInterval(t);
    // Writes already accepted are committed and made durable, not dropped.
    this.writer.flush();
    await this.walSync?.close();
    this.isClosed = true;
    for (const sub of [...this.watchers]) sub.fail(new StoreClosedError());
    await this.compacting;
    this.db.close();
  }

  private async submit(op: WriteOp): Promise<KeyValue> {
    this.assertOpen();
    const broken = this.walSync?.broken;
    if (broken) throw new StorageError('write refused', { cause: broken });
    return this.writer.submit(op);
  }

  private commitBatch(ops: WriteOp[]): Committed<KeyValue> {
    const outcomes: Outcome<KeyValue>[] = [];
    const events: WatchEvent[] = [];
    let next = this.revision;
    this.db.transaction(() => {
      for (const op of ops) {
        try {
          const applied = applyWrite(this.st, op, next + 1);
          next++;
          outcomes.push({ ok: true, value: applied.result });
          events.push(applied.event);
        } catch (err) {
          // A failed statement is undone alone; a failure that ended the transaction fails the batch.
          if (!this.db.inTransaction) throw err;
          outcomes.push({ ok: false, error: err instanceof StorageError ? err : new StorageError('write failed', { cause: err }) });
        }
      }
    })();
    this.revision = next;
    this.counters.commits++;
    this.counters.writes += events.length;
    this.counters.failedWrites += ops.length - events.length;
    this.counters.largestBatch = Math.max(this.counters.largestBatch, ops.length);
    const publish = (): void => {
      this.durableRevision = Math.max(this.durableRevision, next);
      if (events.length > 0 && !this.isClosed) for (const sub of this.live) sub.offer(events);
    };
    // Nothing written and nothing pending: nothing to wait for.
    if (!this.walSync || (events.length === 0 && next === this.durableRevision)) {
      publish();
      return { outcomes };
    }
    // Published in commit order (WalSync settles in that order), before the writers hear back.
    return { outcomes, durable: this.walSync.durable().then(publish) };
  }

  private async compactNow(revision: number): Promise<void> {
    this.assertOpen();
    if (revision > this.durableRevision) throw new FutureRevisionError(revision, this.durableRevision);
    while (this.compacted < revision && !this.isClosed) {
      const lo = this.compacted;
      const hi = Math.min(revision, lo + this.compactChunk);
      this.db.transaction(() => {
        this.st.compactSuperseded.run(lo, hi);
        this.st.compactTombstones.run(lo, hi);
        this.st.setMeta.run('compacted', hi);
      })();
      this.compacted = hi;
      this.counters.compactions++;
      if (hi < revision) await new Promise((r) => setImmediate(r));
    }
    // Give pages freed by the deletes back to the file system.
    if (!this.isClosed) this.db.pragma('incremental_vacuum');
  }

  private eventsAfter(prefix: string, after: number, limit: number): WatchEvent[] {
    // Rows committed but not yet durable stay out: they reach a watcher that went live meanwhile when they are.
    const rows = this.st.eventsAfter.all({ after, lo: prefix, hi: upperBound(prefix), limit });
    const durable = rows.filter((r) => r.id <= this.durableRevision);
    return durable.map(rowToEvent);
  }

  private readRevision(revision: number | undefined): number {
    if (!revision) return this.durableRevision;
    if (revision < this.compacted) throw new CompactedError(revision, this.compacted);
    if (revision > this.durableRevision) throw new FutureRevisionError(revision, this.durableRevision);
    return revision;
  }

  private every(ms: number, fn: () => void): void {
    if (ms <= 0) return;
    const t = setInterval(() => {
      // Maintenance that fails (e.g. the disk is full) is retried on the next tick; it
      // must never take the process down from a timer.
      try { fn(); } catch { /* retried next interval */ }
    }, ms);
    t.unref();
    this.timers.push(t);
  }

  private assertOpen(): void {
    if (this.isClosed) throw new StoreClosedError();
  }
}

function upperBound(prefix: string): string | Buffer {
  return prefixEnd(prefix) ?? NO_UPPER_BOUND;
}

function rowToEvent(row: EventRow): WatchEvent {
  const kv = rowToKv(row);
  const ev: WatchEvent = { type: row.deleted ? 'delete' : 'put', kv, revision: row.id };
  if (row.prev_value !== null) {
    ev.prevKv = { key: row.name, value: row.prev_value, createRevision: row.prev_create_revision!, modRevision: row.prev_revision };
  }
  return ev;
}
