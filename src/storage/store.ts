// The datastore contract: etcd's semantics over string keys and values.
//
// One global revision counts every write. Each key remembers the revision that created
// it and the one that last modified it; updates and deletes can be guarded by that mod
// revision (compare-and-swap). Watches deliver every change under a prefix strictly
// after a given revision, in revision order, none lost and none repeated. Compaction
// forgets history below a revision; reading or watching from before it fails with
// CompactedError, which the API server turns into 410 Gone.
//
// Nothing here knows about Kubernetes objects: values are opaque strings.

export interface KeyValue {
  key: string;
  value: string;
  /** Revision of the write that created this key (its current incarnation). */
  createRevision: number;
  /** Revision of the write that last changed it. */
  modRevision: number;
}

export interface RangeOptions {
  /** At most this many keys; 0 or absent means no limit. */
  limit?: number;
  /** Start from this key (inclusive): the continuation point of an earlier page. */
  startKey?: string;
  /** Read the state as of this revision (0 or absent: the latest). Throws CompactedError when compacted. */
  revision?: number;
}

export interface RangeResult {
  /** Keys in ascending byte order. */
  kvs: KeyValue[];
  /** True when keys beyond the limit remain. */
  more: boolean;
  /** The revision this read reflects. */
  revision: number;
}

export type WatchEventType = 'put' | 'delete';

export interface WatchEvent {
  type: WatchEventType;
  /** For a put: the new value. For a delete: the key's last value, modRevision = the delete's revision. */
  kv: KeyValue;
  /** For a put over an existing key: the value it replaced. */
  prevKv?: KeyValue;
  /** The revision of the write that produced this event. */
  revision: number;
}

export interface WatchHandle {
  close(): void;
}

export interface WatchOptions {
  /**
   * Called with events in revision order; several may come at once (one committed batch).
   * A consumer that cannot keep up (e.g. one writing to a slow socket) may return a
   * promise: no further events are delivered to it until that promise settles, and
   * meanwhile they wait in a bounded buffer. When the buffer overflows the watch ends
   * with WatchOverflowError through onClose, so one slow watcher never stalls others.
   * If onEvents throws (or its promise rejects) the watch ends with that error.
   */
  onEvents: (events: WatchEvent[]) => void;
  /** Called once if the watch ends on its own (store closed, watcher too slow). */
  onClose?: (err?: Error) => void;
}

export interface Store {
  /** The revision of the latest committed write (0 for an empty store). */
  currentRevision(): Promise<number>;
  /** The oldest revision still readable; reads and watches before it are compacted. */
  compactedRevision(): Promise<number>;
  get(key: string, revision?: number): Promise<KeyValue | undefined>;
  /** Every live key that starts with prefix. */
  range(prefix: string, opts?: RangeOptions): Promise<RangeResult>;
  /** Count of live keys under prefix. */
  count(prefix: string): Promise<number>;
  /** Create the key; throws KeyExistsError if it is present. */
  create(key: string, value: string): Promise<KeyValue>;
  /** Replace the value if the key's modRevision equals expectedModRevision; else RevisionMismatchError (or KeyNotFoundError). */
  update(key: string, value: string, expectedModRevision: number): Promise<KeyValue>;
  /**
   * Delete (guarded when expectedModRevision is given); returns the deleted key's last
   * value, whose modRevision is that of the write before the delete (the delete's own
   * revision is in its watch event, and is currentRevision() right after).
   */
  delete(key: string, expectedModRevision?: number): Promise<KeyValue>;
  /**
   * Watch every key under prefix for writes with revision > afterRevision.
   * Throws CompactedError synchronously-or-rejected if afterRevision < compactedRevision().
   * afterRevision may be ahead of currentRevision(): nothing is delivered up to it.
   * Pass the `revision` of a range() to watch exactly what happened after that read.
   */
  watch(prefix: string, afterRevision: number, opts: WatchOptions): Promise<WatchHandle>;
  /**
   * Forget superseded history below revision. The state as of `revision` stays readable
   * and watches from `afterRevision >= revision` keep working; compactedRevision()
   * becomes `revision`. At or below the current compacted revision it does nothing;
   * beyond currentRevision() it throws FutureRevisionError (as do reads at such revisions).
   */
  compact(revision: number): Promise<void>;
  close(): Promise<void>;
}

export class StorageError extends Error {
  readonly code: string = 'STORAGE_ERROR';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class KeyExistsError extends StorageError {
  override readonly code = 'KEY_EXISTS';
  constructor(readonly key: string) { super(`key already exists: ${key}`); }
}

export class KeyNotFoundError extends StorageError {
  override readonly code = 'KEY_NOT_FOUND';
  constructor(readonly key: string) { super(`key not found: ${key}`); }
}

export class RevisionMismatchError extends StorageError {
  override readonly code = 'REVISION_MISMATCH';
  constructor(readonly key: string, readonly expected: number, readonly actual: number) {
    super(`key ${key} is at revision ${actual}, not ${expected}`);
  }
}

export class CompactedError extends StorageError {
  override readonly code = 'COMPACTED';
  constructor(readonly requested: number, readonly compacted: number) {
    super(`revision ${requested} has been compacted (oldest available: ${compacted})`);
  }
}

export class StoreClosedError extends StorageError {
  override readonly code = 'STORE_CLOSED';
  constructor() { super('store is closed'); }
}

/** A read or compaction asked for a revision that has not been written yet. */
export class FutureRevisionError extends StorageError {
  override readonly code = 'FUTURE_REVISION';
  constructor(readonly requested: number, readonly current: number) {
    super(`revision ${requested} is in the future (current: ${current})`);
  }
}

/** A watcher fell too far behind (its buffer overflowed); it must re-list and watch again. */
export class WatchOverflowError extends StorageError {
  override readonly code = 'WATCH_OVERFLOW';
  constructor(readonly buffered: number) {
    super(`watcher too slow: more than ${buffered} events waiting`);
  }
}
