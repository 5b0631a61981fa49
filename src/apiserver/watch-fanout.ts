// The watchers of one resource and the fan-out of committed events to them.
//
// Three kinds of watcher, each reached without looking at the others:
// - unfiltered ones (informers of a whole resource) all receive the same events, so they
//   share one DeliveryBatch and therefore one serialised chunk;
// - triggered ones (a kubelet's pods by spec.nodeName) sit in an index by value, so an
//   event reaches only the watchers whose value its old or new object carries;
// - the rest (label or other field selectors) have their filter evaluated per event.

import type { KObject } from './kobject.js';
import { DeliveryBatch, type CacheEvent, type Delivery, type EventType } from './watch-events.js';

export interface WatchSink {
  /** Returns false when the watcher cannot keep up; it is then closed. */
  deliver(batch: DeliveryBatch): boolean;
  close(reason?: Error): void;
}

export type ObjectFilter = (obj: KObject) => boolean;

/**
 * A watcher that wants only objects whose indexed field has one value (a kubelet's
 * pods by spec.nodeName) names it, so an event is offered to the few watchers whose
 * value it carries instead of being filtered by every watcher.
 */
export interface Trigger {
  index: string;
  value: string;
}

export interface Subscription {
  /** Undefined: every object of the resource matches. */
  filter: ObjectFilter | undefined;
  sink: WatchSink;
  trigger?: Trigger;
  /** Every event up to this revision reached the watcher when it started (from the ring or as the initial list). */
  startedAt: number;
}

export class Watchers {
  private readonly unfiltered = new Set<Subscription>();
  private readonly filtered = new Set<Subscription>();
  /** Triggered watchers by index name, then by value. */
  private readonly triggered = new Map<string, Map<string, Set<Subscription>>>();
  private triggeredCount = 0;

  constructor(private readonly indexes: Record<string, (obj: KObject) => string>) {}

  /** Whether a trigger names an index this resource has (otherwise the watcher is filtered like any other). */
  hasIndex(name: string): boolean {
    return this.indexes[name] !== undefined;
  }

  add(sub: Subscription): void {
    if (sub.trigger && this.hasIndex(sub.trigger.index)) {
      const byValue = this.triggered.get(sub.trigger.index) ?? new Map<string, Set<Subscription>>();
      this.triggered.set(sub.trigger.index, byValue);
      const set = byValue.get(sub.trigger.value) ?? new Set<Subscription>();
      byValue.set(sub.trigger.value, set);
      if (!set.has(sub)) this.triggeredCount++;
      set.add(sub);
    } else if (sub.filter) this.filtered.add(sub);
    else this.unfiltered.add(sub);
  }

  remove(sub: Subscription): void {
    if (this.unfiltered.delete(sub) || this.filtered.delete(sub) || !sub.trigger) return;
    const byValue = this.triggered.get(sub.trigger.index);
    const set = byValue?.get(sub.trigger.value);
    if (set?.delete(sub)) this.triggeredCount--;
    if (set && set.size === 0) byValue!.delete(sub.trigger.value);
  }

  all(): Subscription[] {
    const out = [...this.unfiltered, ...this.filtered];
    for (const byValue of this.triggered.values()) for (const set of byValue.values()) out.push(...set);
    return out;
  }

  /** Watchers of every kind (counted as they come and go: asked once per committed event). */
  get size(): number {
    return this.unfiltered.size + this.filtered.size + this.triggeredCount;
  }

  clear(): void {
    this.unfiltered.clear();
    this.filtered.clear();
    this.triggered.clear();
    this.triggeredCount = 0;
  }

  /** Hands committed events (in revision order) to every watcher they concern: one delivery per watcher. */
  fanOut(events: readonly CacheEvent[]): void {
    if (events.length === 0) return;
    const last = events[events.length - 1].entry.rev;
    if (this.unfiltered.size > 0) {
      const shared = new DeliveryBatch(events.map((event) => ({ type: event.type, event })));
      for (const sub of this.unfiltered) {
        if (sub.startedAt >= last) continue;
        this.send(sub, sub.startedAt < events[0].entry.rev ? shared : new DeliveryBatch(shared.items.filter((d) => d.event.entry.rev > sub.startedAt)));
      }
    }
    for (const sub of this.filtered) this.sendFiltered(sub, events);
    if (this.triggered.size > 0) {
      for (const [sub, evs] of this.triggeredBy(events)) this.sendFiltered(sub, evs);
    }
  }

  /** The triggered watchers each event concerns: those whose value the old or the new object carries. */
  private triggeredBy(events: readonly CacheEvent[]): Map<Subscription, CacheEvent[]> {
    const per = new Map<Subscription, CacheEvent[]>();
    for (const [index, byValue] of this.triggered) {
      const read = this.indexes[index];
      for (const ev of events) {
        const now = read(ev.entry.obj);
        const before = ev.prev ? read(ev.prev.obj) : undefined;
        for (const value of before === undefined || before === now ? [now] : [now, before]) {
          const subs = byValue.get(value);
          if (!subs) continue;
          for (const sub of subs) {
            const list = per.get(sub);
            if (!list) per.set(sub, [ev]);
            else if (list[list.length - 1] !== ev) list.push(ev);
          }
        }
      }
    }
    return per;
  }

  private sendFiltered(sub: Subscription, events: readonly CacheEvent[]): void {
    const items: Delivery[] = [];
    for (const ev of events) {
      if (ev.entry.rev <= sub.startedAt) continue;
      const type = filteredType(ev, sub.filter);
      if (type) items.push({ type, event: ev });
    }
    if (items.length > 0) this.send(sub, new DeliveryBatch(items));
  }

  private send(sub: Subscription, batch: DeliveryBatch): void {
    if (sub.sink.deliver(batch)) return;
    this.remove(sub);
    sub.sink.close(new WatcherTooSlowError());
  }
}

export class WatcherTooSlowError extends Error {
  constructor() {
    super('watcher too slow');
    this.name = 'WatcherTooSlowError';
  }
}

/** The event type a watcher with this filter sees, or undefined if it sees nothing. */
export function filteredType(ev: CacheEvent, filter: ObjectFilter | undefined): EventType | undefined {
  if (!filter) return ev.type;
  const now = filter(ev.entry.obj);
  if (ev.type !== 'MODIFIED') return now ? ev.type : undefined;
  const before = ev.prev ? filter(ev.prev.obj) : false;
  if (now) return before ? 'MODIFIED' : 'ADDED';
  return before ? 'DELETED' : undefined;
}
