// One watcher's mailbox, shared by every backend.
//
// The store offers it events in revision order; it keeps those under its prefix that are
// newer than anything it already holds (so a replayed event is never delivered twice),
// and hands them to onEvents from a microtask, never from inside the store's commit.
// A consumer that returns a promise gets nothing more until it settles; what arrives in
// the meantime waits in a bounded buffer, and overflowing it ends this watch alone with
// WatchOverflowError, so one slow watcher never stalls the store or other watchers.

import { WatchOverflowError, type WatchEvent, type WatchHandle, type WatchOptions } from './store.js';

/** Default bound on events waiting for one watcher. */
export const DEFAULT_MAX_BUFFERED_EVENTS = 10_000;

export class WatchSubscription implements WatchHandle {
  private buffer: WatchEvent[] = [];
  private busy = false;
  private scheduled = false;
  private ended = false;
  private seen: number;
  /** Called whenever the buffer empties and the consumer is not busy (replay pulls more then). */
  onIdle: (() => void) | undefined;

  constructor(
    readonly prefix: string,
    afterRevision: number,
    private readonly opts: WatchOptions,
    private readonly maxBuffered: number,
    /** Told once when this watch ends for any reason, so the store can forget it. */
    private readonly onEnd: (sub: WatchSubscription) => void,
  ) {
    this.seen = afterRevision;
  }

  get closed(): boolean { return this.ended; }
  /** Every revision up to this one has been considered for this watcher. */
  get lastRevision(): number { return this.seen; }
  get idle(): boolean { return !this.busy && this.buffer.length === 0; }

  /** Offer events in revision order, for any keys; keeps the ones this watcher wants. */
  offer(events: readonly WatchEvent[]): void {
    if (this.ended) return;
    let added = false;
    for (const ev of events) {
      if (ev.revision <= this.seen) continue;
      this.seen = ev.revision;
      if (!ev.kv.key.startsWith(this.prefix)) continue;
      this.buffer.push(ev);
      added = true;
    }
    if (this.buffer.length > this.maxBuffered) {
      this.fail(new WatchOverflowError(this.maxBuffered));
      return;
    }
    if (added) this.schedule();
  }

  /** Record that every revision up to rev has been considered (e.g. a replay reached the end of the log). */
  advanceTo(rev: number): void {
    if (rev > this.seen) this.seen = rev;
  }

  /** Closed by its owner: no onClose call, as WatchOptions promises. */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.buffer = [];
    this.onEnd(this);
  }

  /** Ends the watch on its own, telling the consumer why. */
  fail(err: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.buffer = [];
    this.onEnd(this);
    const onClose = this.opts.onClose;
    if (onClose) queueMicrotask(() => onClose(err));
  }

  private schedule(): void {
    if (this.scheduled || this.busy || this.ended) return;
    this.scheduled = true;
    queueMicrotask(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    if (this.ended || this.busy) return;
    if (this.buffer.length === 0) {
      this.onIdle?.();
      return;
    }
    const batch = this.buffer;
    this.buffer = [];
    let result: unknown;
    try {
      result = this.opts.onEvents(batch);
    } catch (err) {
      this.fail(asError(err));
      return;
    }
    if (isThenable(result)) {
      this.busy = true;
      result.then(
        () => { this.busy = false; this.afterDelivery(); },
        (err: unknown) => { this.busy = false; this.fail(asError(err)); },
      );
    } else {
      this.afterDelivery();
    }
  }

  private afterDelivery(): void {
    if (this.ended) return;
    if (this.buffer.length > 0) this.schedule();
    else this.onIdle?.();
  }
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
