// The scheduling queue, shaped like kube-scheduler's: an active queue ordered by
// priority then arrival; a back-off queue of pods that failed recently (1 s doubling to
// 10 s per pod); and an unschedulable set of pods no node fits, which go back to active
// only when a cluster event one of their rejecting plugins cares about happens (or after
// 5 minutes, in case an event was missed). An event that arrives while a pod is being
// scheduled sends that pod to back-off rather than unschedulable, so it is not lost.

import { realClock, type Clock, type TimerHandle } from '../../client/clock.js';
import type { ClusterEvent } from '../framework/interfaces.js';
import type { PodInfo } from '../framework/pod-info.js';
import { Heap } from './heap.js';

export interface QueuedPod {
  info: PodInfo;
  /** When it first entered the queue (FIFO among equal priorities). */
  timestamp: number;
  attempts: number;
  lastAttempt: number;
  /** Plugins that rejected it last time; empty means any event may help. */
  unschedulablePlugins: Set<string>;
}

export interface SchedulingQueueOptions {
  clock?: Clock;
  /** Plugin name -> events it registered. */
  eventsByPlugin?: Map<string, ClusterEvent[]>;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long a pod may stay unschedulable without an event. Default 5 minutes. */
  maxUnschedulableMs?: number;
}

export class SchedulingQueue {
  private readonly clock: Clock;
  private readonly active: Heap<QueuedPod>;
  private readonly backoff: Heap<QueuedPod>;
  private readonly unschedulable = new Map<string, QueuedPod>();
  private readonly waiters: ((q: QueuedPod | undefined) => void)[] = [];
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxUnschedulableMs: number;
  private schedulingCycle = 0;
  private moveRequestCycle = -1;
  private closed = false;
  private timer?: TimerHandle;
  private lastUnschedulableFlush = 0;

  constructor(private readonly opts: SchedulingQueueOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.initialBackoffMs = opts.initialBackoffMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 10_000;
    this.maxUnschedulableMs = opts.maxUnschedulableMs ?? 300_000;
    const key = (q: QueuedPod) => q.info.key;
    this.active = new Heap(key, (a, b) => a.info.priority > b.info.priority || (a.info.priority === b.info.priority && a.timestamp < b.timestamp));
    this.backoff = new Heap(key, (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
    this.lastUnschedulableFlush = this.clock.now();
    this.tick();
  }

  /** Back-off runs one flush a second, as kube's does. */
  private tick(): void {
    if (this.closed) return;
    this.timer = this.clock.setTimeout(() => {
      this.flushBackoff();
      if (this.clock.now() - this.lastUnschedulableFlush >= 30_000) this.flushUnschedulable();
      this.tick();
    }, 1000);
  }

  get cycle(): number {
    return this.schedulingCycle;
  }

  backoffDuration(q: QueuedPod): number {
    let d = this.initialBackoffMs;
    for (let i = 1; i < q.attempts && d < this.maxBackoffMs; i++) d *= 2;
    return Math.min(d, this.maxBackoffMs);
  }

  private backoffExpiry(q: QueuedPod): number {
    return q.lastAttempt + this.backoffDuration(q);
  }

  private isBackingOff(q: QueuedPod): boolean {
    return q.attempts > 0 && this.backoffExpiry(q) > this.clock.now();
  }

  has(key: string): boolean {
    return this.active.has(key) || this.backoff.has(key) || this.unschedulable.has(key);
  }

  /** A new pending pod. */
  add(info: PodInfo): void {
    if (this.has(info.key)) return this.update(info);
    this.pushActive({ info, timestamp: this.clock.now(), attempts: 0, lastAttempt: 0, unschedulablePlugins: new Set() });
  }

  /** The pod changed: a change may make it fit, so an unschedulable pod is tried again. */
  update(info: PodInfo): void {
    const a = this.active.get(info.key);
    if (a) return this.active.push({ ...a, info });
    const b = this.backoff.get(info.key);
    if (b) return this.backoff.push({ ...b, info });
    const u = this.unschedulable.get(info.key);
    if (u) {
      this.unschedulable.delete(info.key);
      return this.requeue({ ...u, info });
    }
    this.add(info);
  }

  delete(key: string): void {
    this.active.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
  }

  /** Resolves with the next pod to schedule, waiting for one; undefined once closed. */
  pop(): Promise<QueuedPod | undefined> {
    const q = this.active.pop();
    if (q) return Promise.resolve(this.popped(q));
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private popped(q: QueuedPod): QueuedPod {
    this.schedulingCycle++;
    q.attempts++;
    q.lastAttempt = this.clock.now();
    return q;
  }

  private pushActive(q: QueuedPod): void {
    const w = this.waiters.shift();
    if (w) w(this.popped(q));
    else this.active.push(q);
  }

  private requeue(q: QueuedPod): void {
    if (this.isBackingOff(q)) this.backoff.push(q);
    else this.pushActive(q);
  }

  /**
   * After a failed attempt: to unschedulable, unless an event came in during the attempt
   * (cycle is the queue's cycle when the pod was popped), then to back-off.
   */
  addUnschedulable(q: QueuedPod, plugins: Set<string>, cycle: number): void {
    if (this.has(q.info.key)) return;
    q.unschedulablePlugins = plugins;
    if (this.moveRequestCycle >= cycle) this.backoff.push(q);
    else this.unschedulable.set(q.info.key, q);
  }

  /** After an error (not a rejection): retry after back-off. */
  addBackoff(q: QueuedPod): void {
    if (this.has(q.info.key)) return;
    this.backoff.push(q);
  }

  /** A cluster event: moves the unschedulable pods it may help. */
  onEvent(ev: ClusterEvent): void {
    this.moveRequestCycle = this.schedulingCycle;
    if (this.unschedulable.size === 0) return;
    const events = this.opts.eventsByPlugin;
    for (const [key, q] of this.unschedulable) {
      let helps = q.unschedulablePlugins.size === 0 || !events;
      if (!helps) {
        for (const p of q.unschedulablePlugins) {
          const evs = events!.get(p);
          if (!evs || evs.some((e) => e.resource === ev.resource && e.action === ev.action)) {
            helps = true;
            break;
          }
        }
      }
      if (!helps) continue;
      this.unschedulable.delete(key);
      this.requeue(q);
    }
  }

  flushBackoff(): void {
    const now = this.clock.now();
    for (;;) {
      const q = this.backoff.peek();
      if (!q || this.backoffExpiry(q) > now) break;
      this.backoff.pop();
      this.pushActive(q);
    }
  }

  flushUnschedulable(): void {
    const now = this.clock.now();
    this.lastUnschedulableFlush = now;
    for (const [key, q] of this.unschedulable) {
      if (now - q.lastAttempt < this.maxUnschedulableMs) continue;
      this.unschedulable.delete(key);
      this.requeue(q);
    }
  }

  counts(): { active: number; backoff: number; unschedulable: number } {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size };
  }

  close(): void {
    this.closed = true;
    if (this.timer) this.clock.clearTimeout(this.timer);
    for (const w of this.waiters.splice(0)) w(undefined);
  }
}
