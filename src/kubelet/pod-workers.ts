// One worker per pod UID, each a small state machine as in the kubelet's pod workers:
//   syncing     -- the pod should run: sync it now, again whenever something happens to
//                  it (informer update, probe result, a container exit seen by the PLEG),
//                  soon while it is not settled (back-off, image pull, a mount retry), and
//                  otherwise once a resync period (60 s plus jitter, as the kubelet does)
//   terminating -- deletion was asked for or the pod's containers are done for good:
//                  kill it once (this step never goes back to syncing)
//   terminated  -- nothing runs; once the pod is deleted (or gone from the API),
//                  finalize it and forget the worker.
// Updates for a busy worker are kept as the one pending desired state: a newer pod
// replaces an older one still waiting, so a worker never replays stale versions.

import type { Clock, Logger, TimerHandle } from '../client/index.js';
import type { Pod } from './types.js';

export type WorkerState = 'syncing' | 'terminating' | 'terminated';

/** What a sync answers: whether the pod is done, and when it wants to be looked at again. */
export interface PodSyncOutcome {
  terminal: boolean;
  /**
   * Everything is as the spec asks (containers running, or done for good): nothing to
   * come back for until news or the resync period. False or absent: come back soon.
   */
  settled?: boolean;
  /** Come back within this many milliseconds at the latest (an active deadline). */
  dueInMs?: number;
}

export interface PodLifecycle {
  sync(pod: Pod): Promise<PodSyncOutcome>;
  /** Kills the pod; `removed` when the API no longer has it (no status to report). */
  terminate(pod: Pod, removed: boolean): Promise<void>;
  /** Cleans up and deletes the API object; answers true when the worker may be forgotten. */
  finalize(pod: Pod, removed: boolean): Promise<boolean>;
}

interface Worker {
  uid: string;
  state: WorkerState;
  pod: Pod;
  pending: Pod | null;
  removed: boolean;
  running: boolean;
  /** Poked while a pass ran: what it read may predate the news, so run once more. */
  dirty: boolean;
  timer?: TimerHandle;
  failures: number;
}

export interface PodWorkersOptions {
  lifecycle: PodLifecycle;
  clock: Clock;
  log: Logger;
  /** How often a settled pod is synced again without news; default 60 s. */
  resyncMs?: number;
  /** Up to this fraction of resyncMs added at random, so pods started together resync apart; default 0.5. */
  resyncJitter?: number;
  /** How soon a pod not settled (waiting for a back-off, an image, a volume) is synced again; default the smaller of 2 s and resyncMs. */
  busyResyncMs?: number;
  /** Default Math.random. */
  random?: () => number;
}

export class PodWorkers {
  private readonly workers = new Map<string, Worker>();
  private readonly resyncMs: number;
  private readonly busyResyncMs: number;
  private readonly jitter: number;
  private readonly random: () => number;
  private stopped = false;
  private readonly idle = new Set<() => void>();
  /** Pods finalized lately: late informer updates about them must not start a worker again. */
  private readonly finished = new Set<string>();

  constructor(private readonly o: PodWorkersOptions) {
    this.resyncMs = o.resyncMs ?? 60_000;
    this.busyResyncMs = o.busyResyncMs ?? Math.min(2000, this.resyncMs);
    this.jitter = o.resyncJitter ?? 0.5;
    this.random = o.random ?? Math.random;
  }

  /** A new desired state of the pod (from the informer). */
  update(pod: Pod): void {
    const uid = pod.metadata.uid ?? '';
    if (this.finished.has(uid)) return;
    let w = this.workers.get(uid);
    if (!w) {
      w = { uid, state: 'syncing', pod, pending: null, removed: false, running: false, dirty: false, failures: 0 };
      this.workers.set(uid, w);
    }
    w.pending = pod;
    this.kick(w);
  }

  /** The pod is gone from the API server (deleted with grace 0, or by us). */
  remove(pod: Pod): void {
    const w = this.workers.get(pod.metadata.uid ?? '');
    if (!w) return;
    w.removed = true;
    this.kick(w);
  }

  /** Sync a pod now (a probe result changed, a container exited). */
  poke(uid: string): void {
    const w = this.workers.get(uid);
    if (w) this.kick(w);
  }

  state(uid: string): WorkerState | undefined {
    return this.workers.get(uid)?.state;
  }

  uids(): string[] {
    return [...this.workers.keys()];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.workers.values()) if (w.timer) this.o.clock.clearTimeout(w.timer);
    // Let running passes finish, so no runtime call is left half done.
    while ([...this.workers.values()].some((w) => w.running)) await new Promise<void>((r) => this.idle.add(r));
  }

  private kick(w: Worker): void {
    if (this.stopped) return;
    if (w.running) {
      w.dirty = true;
      return;
    }
    if (w.timer) this.o.clock.clearTimeout(w.timer);
    w.timer = undefined;
    void this.run(w);
  }

  private async run(w: Worker): Promise<void> {
    w.running = true;
    let again: number | null = null;
    try {
      again = await this.step(w);
      w.failures = 0;
    } catch (e) {
      w.failures++;
      this.o.log.warn(`kubelet: pod ${w.pod.metadata.namespace}/${w.pod.metadata.name} (${w.state}): ${(e as Error).message}`);
      again = Math.min(this.busyResyncMs * 2 ** Math.min(w.failures, 5), 60_000);
    } finally {
      w.running = false;
      for (const r of this.idle) r();
      this.idle.clear();
    }
    if (this.stopped || !this.workers.has(w.uid)) return;
    if (w.pending || w.dirty) this.kick(w);
    else if (again !== null) w.timer = this.o.clock.setTimeout(() => this.kick(w), again);
  }

  /** Runs until the worker has nothing to do now; answers when to come back (null: on news only). */
  private async step(w: Worker): Promise<number | null> {
    for (;;) {
      w.dirty = false; // this pass reads everything afresh
      if (w.pending) {
        w.pod = w.pending;
        w.pending = null;
      }
      const leaving = w.removed || !!w.pod.metadata.deletionTimestamp;
      if (w.state === 'syncing') {
        if (leaving) {
          w.state = 'terminating';
          continue;
        }
        const r = await this.o.lifecycle.sync(w.pod);
        if (r.terminal) {
          w.state = 'terminating';
          continue;
        }
        if (w.pending) continue;
        const again = r.settled ? this.resyncMs * (1 + this.jitter * this.random()) : this.busyResyncMs;
        return r.dueInMs !== undefined ? Math.max(0, Math.min(again, r.dueInMs)) : again;
      }
      if (w.state === 'terminating') {
        await this.o.lifecycle.terminate(w.pod, w.removed);
        w.state = 'terminated';
        continue;
      }
      if (!leaving) return null;
      if (await this.o.lifecycle.finalize(w.pod, w.removed)) {
        this.workers.delete(w.uid);
        this.finished.add(w.uid);
        if (this.finished.size > 10_000) this.finished.delete(this.finished.values().next().value!);
        return null;
      }
      if (w.pending) continue;
      return this.busyResyncMs;
    }
  }
}
