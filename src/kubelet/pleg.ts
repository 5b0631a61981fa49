// The pod lifecycle event generator, in the shape of the kubelet's PLEG: relist what the
// runtime holds for every pod, compare each pod's sandboxes and containers (ids, states,
// exit codes) with the previous relist, and wake the workers of the pods that changed.
// A pod that changed nothing costs its status reads and no sync; its worker otherwise
// sleeps until news or its resync period (60 s).
//
// With a live source of container events (conmon's exit files) the news of an exit
// comes at once, and the relist is only the safety net for what no event announces (a
// monitor that died without an exit file, a container removed behind the kubelet's
// back), so it runs every `eventedPeriodMs`; without one it runs every `periodMs` (1 s,
// as the kubelet relists).

import type { Clock, Logger, TimerHandle } from '../client/index.js';
import type { ContainerEventSource } from './exit-events.js';
import type { PodRuntimeState } from './runtime-state.js';

/** What the PLEG reads: the runtime's state of every pod it knows, by pod uid. */
export interface PodStatesSource {
  podStates(): Promise<Map<string, PodRuntimeState>>;
  /** The pod a container belongs to, if known. */
  podOfContainer(containerId: string): string | undefined;
}

export interface PlegOptions {
  source: PodStatesSource;
  /** Called with the uid of a pod whose runtime state changed (or may have: an event). */
  onChange(uid: string): void;
  clock: Clock;
  log: Logger;
  /** Container exits (or other changes) as they happen; default none. */
  events?: ContainerEventSource;
  /** Relist period without live events; default 1000 ms. */
  periodMs?: number;
  /** Relist period while the event source is live; default 10 000 ms. */
  eventedPeriodMs?: number;
}

/** What of a pod's runtime state a change of would need a sync: ids, states, exit codes. */
export function fingerprint(state: PodRuntimeState): string {
  const sbs = state.sandboxes.map((s) => `${s.id}:${s.state}`).sort();
  const cs = state.containers.map((c) => `${c.id}:${c.state}:${c.exitCode}`).sort();
  return `${sbs.join(',')}|${cs.join(',')}`;
}

export class Pleg {
  private last = new Map<string, string>();
  private timer?: TimerHandle;
  private running = false;
  private relisting: Promise<string[]> | null = null;
  private relistedAt = -Infinity;

  constructor(private readonly o: PlegOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.o.events?.start((id) => this.onContainerEvent(id));
    // The first relist only learns the state: every pod's worker syncs on its own at start.
    void this.relist(false).catch(() => {}).finally(() => this.schedule());
  }

  stop(): void {
    this.running = false;
    this.o.events?.stop();
    if (this.timer) this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Relists now; answers the uids of the pods that changed since the last relist. */
  relist(report = true): Promise<string[]> {
    this.relisting ??= this.doRelist(report).finally(() => { this.relisting = null; });
    return this.relisting;
  }

  private async doRelist(report: boolean): Promise<string[]> {
    const states = await this.o.source.podStates();
    this.relistedAt = this.o.clock.now();
    const next = new Map<string, string>();
    const changed: string[] = [];
    for (const [uid, st] of states) {
      const fp = fingerprint(st);
      next.set(uid, fp);
      if (this.last.get(uid) !== fp) changed.push(uid);
    }
    // A pod whose last container and sandbox are gone changed too (removed behind our back).
    for (const uid of this.last.keys()) if (!next.has(uid)) changed.push(uid);
    this.last = next;
    if (report) for (const uid of changed) this.o.onChange(uid);
    return changed;
  }

  private onContainerEvent(id: string): void {
    const uid = this.o.source.podOfContainer(id);
    if (uid) this.o.onChange(uid);
  }

  /**
   * Ticks every `periodMs` and relists when the period that applies now has passed, so
   * an event source that stops being live brings the fast relist back within a tick.
   */
  private schedule(): void {
    if (!this.running) return;
    const period = this.o.periodMs ?? 1000;
    this.timer = this.o.clock.setTimeout(() => {
      const due = this.o.events?.live ? (this.o.eventedPeriodMs ?? 10_000) : period;
      if (this.o.clock.now() - this.relistedAt < due) return this.schedule();
      this.relist().catch((e: Error) => this.o.log.warn(`kubelet: relist failed: ${e.message}`)).finally(() => this.schedule());
    }, period);
  }
}
