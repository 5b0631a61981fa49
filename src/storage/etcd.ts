// A Store over a real etcd v3 cluster (for several API servers sharing one cluster),
// through etcd's HTTP/JSON gateway (etcd-client.ts). etcd has the semantics natively;
// this maps them: create is a transaction guarded by "create_revision == 0", update and
// delete by "mod_revision == expected", a watch is one streaming request per watcher fed
// into the same bounded WatchSubscription as the other backends.
//
// Differences that callers may notice: the revision counter is etcd's and shared with
// every other user of the cluster (a new store does not start at 0), and
// compactedRevision() is found by probing reads (etcd does not report it directly).

import {
  EtcdHttpClient, EtcdRequestError, b64, num, toKv, type RawHeader, type RawKv, type WatchStream,
} from './etcd-client.js';
import { compareKeys, prefixEnd } from './keys.js';
import {
  CompactedError, FutureRevisionError, KeyExistsError, KeyNotFoundError, RevisionMismatchError, StorageError,
  StoreClosedError,
  type KeyValue, type RangeOptions, type RangeResult, type Store, type WatchEvent, type WatchHandle, type WatchOptions,
} from './store.js';
import { DEFAULT_MAX_BUFFERED_EVENTS, WatchSubscription } from './watch-subscription.js';

export interface EtcdStoreOptions {
  /** Client URL of an etcd v3 member, e.g. `http://127.0.0.1:2379`. Required. */
  endpoint: string;
  /** Every key is stored under this prefix in etcd, so several users can share one cluster. Default ''. */
  keyPrefix?: string;
  /** Pooled connections for requests (each watch has its own). Default 64. */
  maxSockets?: number;
  /** Events that may wait for one slow watcher before it is closed with WatchOverflowError. Default 10 000. */
  maxBufferedEvents?: number;
}

interface RangeResponse { header?: RawHeader; kvs?: RawKv[]; more?: boolean; count?: string }
interface TxnResponse {
  header?: RawHeader;
  succeeded?: boolean;
  responses?: Array<{
    response_put?: { prev_kv?: RawKv };
    response_range?: { kvs?: RawKv[] };
    response_delete_range?: { prev_kvs?: RawKv[] };
  }>;
}
interface RawEvent { type?: string; kv?: RawKv; prev_kv?: RawKv }
interface RawWatchResult {
  created?: boolean;
  canceled?: boolean;
  cancel_reason?: string;
  compact_revision?: string;
  events?: RawEvent[];
}

/** A key no one writes: reads of it only probe revisions. */
const PROBE_KEY = b64('\0');

export class EtcdStore implements Store {
  private readonly client: EtcdHttpClient;
  private readonly prefix: string;
  private readonly maxBuffered: number;
  private readonly watchers = new Set<WatchSubscription>();
  private knownCompacted = 0;
  private isClosed = false;

  constructor(opts: EtcdStoreOptions) {
    this.client = new EtcdHttpClient(opts.endpoint, opts.maxSockets ?? 64);
    this.prefix = opts.keyPrefix ?? '';
    this.maxBuffered = opts.maxBufferedEvents ?? DEFAULT_MAX_BUFFERED_EVENTS;
  }

  async currentRevision(): Promise<number> {
    this.assertOpen();
    const res = await this.client.post<RangeResponse>('kv/range', { key: PROBE_KEY, count_only: true });
    return num(res.header?.revision);
  }

  async compactedRevision(): Promise<number> {
    this.assertOpen();
    // The oldest readable revision, by bisection between the last one known and now.
    let lo = Math.max(1, this.knownCompacted);
    let hi = await this.currentRevision();
    if (!(await this.readable(lo))) {
      lo++;
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        if (await this.readable(mid)) hi = mid;
        else lo = mid + 1;
      }
    }
    const oldest = lo <= 1 ? 0 : lo;
    this.knownCompacted = Math.max(this.knownCompacted, oldest);
    return this.knownCompacted;
  }

  async get(key: string, revision?: number): Promise<KeyValue | undefined> {
    this.assertOpen();
    const res = await this.read<RangeResponse>('kv/range', { key: this.k(key), revision: String(revision ?? 0) }, revision);
    return res.kvs?.[0] ? this.kv(res.kvs[0]) : undefined;
  }

  async range(prefix: string, opts: RangeOptions = {}): Promise<RangeResult> {
    this.assertOpen();
    const start = opts.startKey !== undefined && compareKeys(opts.startKey, prefix) > 0 ? opts.startKey : prefix;
    const res = await this.read<RangeResponse>('kv/range', {
      key: this.from(start), range_end: this.end(prefix), limit: String(opts.limit ?? 0), revision: String(opts.revision ?? 0),
    }, opts.revision);
    return { kvs: (res.kvs ?? []).map((r) => this.kv(r)), more: res.more ?? false, revision: opts.revision || num(res.header?.revision) };
  }

  async count(prefix: string): Promise<number> {
    this.assertOpen();
    const res = await this.client.post<RangeResponse>('kv/range', { key: this.from(prefix), range_end: this.end(prefix), count_only: true });
    return num(res.count);
  }

  async create(key: string, value: string): Promise<KeyValue> {
    this.assertOpen();
    const k = this.k(key);
    const res = await this.client.post<TxnResponse>('kv/txn', {
      compare: [{ key: k, target: 'CREATE', result: 'EQUAL', create_revision: '0' }],
      success: [{ request_put: { key: k, value: b64(value) } }],
    });
    if (!res.succeeded) throw new KeyExistsError(key);
    const rev = num(res.header?.revision);
    return { key, value, createRevision: rev, modRevision: rev };
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<KeyValue> {
    this.assertOpen();
    const k = this.k(key);
    const res = await this.guarded(key, expectedModRevision, { request_put: { key: k, value: b64(value), prev_kv: true } });
    const prev = res.responses?.[0]?.response_put?.prev_kv;
    return { key, value, createRevision: num(prev?.create_revision), modRevision: num(res.header?.revision) };
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    this.assertOpen();
    const res = await this.guarded(key, expectedModRevision, { request_delete_range: { key: this.k(key), prev_kv: true } });
    const prev = res.responses?.[0]?.response_delete_range?.prev_kvs?.[0];
    if (!prev) throw new KeyNotFoundError(key);
    return this.kv(prev);
  }

  async watch(prefix: string, afterRevision: number, opts: WatchOptions): Promise<WatchHandle> {
    this.assertOpen();
    // etcd reports a compacted start only after the watch exists; a read at the same
    // revision fails the same way, so the caller gets CompactedError from watch() itself.
    await this.read('kv/range', { key: PROBE_KEY, count_only: true, revision: String(Math.max(1, afterRevision)) },
      afterRevision, true);
    let stream: WatchStream | undefined;
    // Settles watch() if the subscription ends (store closed) before etcd confirmed it.
    let abort: ((err: Error) => void) | undefined;
    const sub = new WatchSubscription(prefix, afterRevision, opts, this.maxBuffered, (s) => {
      stream?.cancel();
      this.watchers.delete(s);
      abort?.(this.isClosed ? new StoreClosedError() : new StorageError('etcd watch ended before it was confirmed'));
    });
    this.watchers.add(sub);
    await new Promise<void>((resolve, reject) => {
      abort = reject;
      const confirmed = (): void => { abort = undefined; resolve(); };
      stream = this.client.stream('watch', {
        create_request: { key: this.from(prefix), range_end: this.end(prefix), start_revision: String(afterRevision + 1), prev_kv: true },
      }, (msg) => {
        const r = (msg as { result?: RawWatchResult }).result;
        if (!r) return;
        if (r.created && abort) confirmed();
        if (r.events) sub.offer(r.events.map((e) => this.event(e)));
        if (r.canceled) {
          sub.fail(r.compact_revision
            ? new CompactedError(sub.lastRevision, num(r.compact_revision))
            : new EtcdRequestError(-1, r.cancel_reason ?? 'watch canceled', 200));
        }
      }, (err) => {
        if (abort) { const fail = abort; abort = undefined; sub.close(); fail(err); } else sub.fail(err);
      });
    });
    return sub;
  }

  async compact(revision: number): Promise<void> {
    this.assertOpen();
    const current = await this.currentRevision();
    if (revision > current) throw new FutureRevisionError(revision, current);
    try {
      // physical: answer only once the history is gone, so reads right after agree.
      await this.client.post('kv/compaction', { revision: String(revision), physical: true });
    } catch (err) {
      if (!(err instanceof EtcdRequestError && err.compacted)) throw err;
    }
    this.knownCompacted = Math.max(this.knownCompacted, revision);
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const sub of [...this.watchers]) sub.fail(new StoreClosedError());
    this.client.close();
  }

  /** A transaction on key guarded by existence (and the mod revision when given). */
  private async guarded(key: string, expected: number | undefined, op: object): Promise<TxnResponse> {
    const k = this.k(key);
    const compare: object[] = [{ key: k, target: 'CREATE', result: 'GREATER', create_revision: '0' }];
    if (expected !== undefined) compare.push({ key: k, target: 'MOD', result: 'EQUAL', mod_revision: String(expected) });
    const res = await this.client.post<TxnResponse>('kv/txn', { compare, success: [op], failure: [{ request_range: { key: k } }] });
    if (res.succeeded) return res;
    const cur = res.responses?.[0]?.response_range?.kvs?.[0];
    if (!cur) throw new KeyNotFoundError(key);
    throw new RevisionMismatchError(key, expected ?? 0, num(cur.mod_revision));
  }

  /** A read at `revision`, with etcd's revision errors turned into the contract's. */
  private async read<T>(path: string, body: object, revision: number | undefined, futureIsFine = false): Promise<T> {
    try {
      return await this.client.post<T>(path, body);
    } catch (err) {
      if (err instanceof EtcdRequestError && err.compacted) {
        throw new CompactedError(revision ?? 0, await this.compactedRevision());
      }
      if (err instanceof EtcdRequestError && err.futureRevision) {
        if (futureIsFine) return {} as T;
        throw new FutureRevisionError(revision ?? 0, await this.currentRevision());
      }
      throw err;
    }
  }

  private async readable(revision: number): Promise<boolean> {
    try {
      await this.client.post('kv/range', { key: PROBE_KEY, count_only: true, revision: String(revision) });
      return true;
    } catch (err) {
      if (err instanceof EtcdRequestError && err.compacted) return false;
      throw err;
    }
  }

  private event(e: RawEvent): WatchEvent {
    const prevKv = e.prev_kv ? this.kv(e.prev_kv) : undefined;
    const modRevision = num(e.kv?.mod_revision);
    if (e.type === 'DELETE') {
      const kv = { key: this.kv(e.kv ?? {}).key, value: prevKv?.value ?? '', createRevision: prevKv?.createRevision ?? 0, modRevision };
      return { type: 'delete', kv, prevKv, revision: modRevision };
    }
    const ev: WatchEvent = { type: 'put', kv: this.kv(e.kv ?? {}), revision: modRevision };
    if (prevKv) ev.prevKv = prevKv;
    return ev;
  }

  private k(key: string): string { return b64(this.prefix + key); }
  /** The start of a range: etcd refuses an empty key, and "\0" is the first one there is. */
  private from(start: string): string { return b64(this.prefix + start || '\0'); }
  private kv(raw: RawKv): KeyValue { return toKv(raw, this.prefix.length); }

  /** The range end for keys under prefix; "\0" means "every key from the start on". */
  private end(prefix: string): string {
    const end = prefixEnd(this.prefix + prefix);
    return end === undefined ? b64('\0') : b64(end);
  }

  private assertOpen(): void {
    if (this.isClosed) throw new StoreClosedError();
  }
}
