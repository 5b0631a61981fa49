// Probe workers, one per (pod, container, probe kind), as the kubelet's prober manager
// runs them: each waits initialDelaySeconds after the container started, then probes
// every periodSeconds, turning consecutive outcomes into a result once successThreshold
// or failureThreshold is reached. A new container instance starts the worker over.
// Liveness and readiness wait until the startup probe has succeeded. Results changes
// are reported through onChange so the pod's worker syncs again.

import type { Clock, TimerHandle } from '../../client/index.js';
import type { RuntimeService } from '../../runtime/cri.js';
import type { Recorder } from '../images.js';
import type { ContainerSpec, Pod, Probe } from '../types.js';
import { runHandler } from './probe.js';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';
const kindWord: Record<ProbeKind, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };

/** A running container as the prober needs it. */
export interface RunningContainer { id: string; startedAtMs: number }

interface Worker {
  kind: ProbeKind;
  pod: Pod;
  container: ContainerSpec;
  probe: Probe;
  containerId: string;
  startedAtMs: number;
  result: boolean | undefined;
  successes: number;
  failures: number;
  /** After a liveness or startup failure, wait for the next container instance. */
  onHold: boolean;
  timer?: TimerHandle;
  busy: boolean;
}

export interface ProbeManagerOptions {
  runtime: RuntimeService;
  clock: Clock;
  record: Recorder;
  onChange(uid: string): void;
  podIP(uid: string): string;
}

export class ProbeManager {
  private readonly workers = new Map<string, Worker>();
  private stopped = false;

  constructor(private readonly o: ProbeManagerOptions) {}

  /** Brings the workers of a pod in line with its running containers (call after each sync). */
  sync(pod: Pod, running: Map<string, RunningContainer>): void {
    const uid = pod.metadata.uid ?? '';
    const wanted = new Set<string>();
    for (const c of pod.spec.containers) {
      for (const kind of ['startup', 'liveness', 'readiness'] as const) {
        const probe = c[`${kind}Probe`];
        if (!probe) continue;
        const key = `${uid}/${c.name}/${kind}`;
        wanted.add(key);
        const r = running.get(c.name);
        let w = this.workers.get(key);
        if (!w) {
          w = { kind, pod, container: c, probe, containerId: '', startedAtMs: 0, result: undefined, successes: 0, failures: 0, onHold: false, busy: false };
          this.workers.set(key, w);
        }
        w.pod = pod;
        if (!r) {
          if (w.containerId) this.resetWorker(w, '', 0);
          continue;
        }
        if (r.id !== w.containerId) {
          this.resetWorker(w, r.id, r.startedAtMs);
          w.result = reportedResult(pod, c.name, r.id, kind);
          this.schedule(key, w, Math.max(0, r.startedAtMs + (probe.initialDelaySeconds ?? 0) * 1000 - this.o.clock.now()));
        }
      }
    }
    for (const key of [...this.workers.keys()]) if (key.startsWith(`${uid}/`) && !wanted.has(key)) this.drop(key);
  }

  /** The probe's result for the container's current instance; undefined before any. */
  result(uid: string, container: string, kind: ProbeKind): boolean | undefined {
    return this.workers.get(`${uid}/${container}/${kind}`)?.result;
  }

  hasProbe(uid: string, container: string, kind: ProbeKind): boolean {
    return this.workers.has(`${uid}/${container}/${kind}`);
  }

  removePod(uid: string): void {
    for (const key of [...this.workers.keys()]) if (key.startsWith(`${uid}/`)) this.drop(key);
  }

  stop(): void {
    this.stopped = true;
    for (const key of [...this.workers.keys()]) this.drop(key);
  }

  private resetWorker(w: Worker, id: string, startedAtMs: number): void {
    if (w.timer) this.o.clock.clearTimeout(w.timer);
    w.timer = undefined;
    w.containerId = id;
    w.startedAtMs = startedAtMs;
    w.result = undefined;
    w.successes = 0;
    w.failures = 0;
    w.onHold = false;
  }

  private drop(key: string): void {
    const w = this.workers.get(key);
    if (w?.timer) this.o.clock.clearTimeout(w.timer);
    this.workers.delete(key);
  }

  private schedule(key: string, w: Worker, ms: number): void {
    if (this.stopped) return;
    if (w.timer) this.o.clock.clearTimeout(w.timer);
    w.timer = this.o.clock.setTimeout(() => void this.tick(key, w), ms);
  }

  private async tick(key: string, w: Worker): Promise<void> {
    w.timer = undefined;
    if (this.workers.get(key) !== w || !w.containerId || w.busy) return;
    const period = (w.probe.periodSeconds ?? 10) * 1000;
    const uid = w.pod.metadata.uid ?? '';
    const startupPending = w.kind !== 'startup' && this.hasProbe(uid, w.container.name, 'startup') && this.result(uid, w.container.name, 'startup') !== true;
    if (w.onHold || startupPending) {
      this.schedule(key, w, period);
      return;
    }
    const id = w.containerId;
    w.busy = true;
    let outcome;
    try {
      outcome = await runHandler(w.probe, { runtime: this.o.runtime, containerId: id, container: w.container, podIP: this.o.podIP(uid), timeoutSeconds: w.probe.timeoutSeconds ?? 1 });
    } catch (e) {
      outcome = { ok: false, output: (e as Error).message };
    } finally {
      w.busy = false;
    }
    if (this.workers.get(key) !== w || w.containerId !== id) return;
    const before = w.result;
    if (outcome.ok) {
      w.failures = 0;
      w.successes++;
      if (w.successes >= (w.kind === 'readiness' ? (w.probe.successThreshold ?? 1) : 1)) w.result = true;
    } else {
      w.successes = 0;
      w.failures++;
      this.o.record(w.pod, 'Warning', 'Unhealthy', `${kindWord[w.kind]} probe failed: ${outcome.output.trim()}`, `spec.containers{${w.container.name}}`);
      if (w.failures >= (w.probe.failureThreshold ?? 3)) {
        w.result = false;
        if (w.kind !== 'readiness') w.onHold = true;
      }
    }
    if (before !== w.result) this.o.onChange(uid);
    this.schedule(key, w, period);
  }
}

/**
 * What the pod's status in the API already says of this very container instance: a
 * kubelet restarted under running containers adopts them, and starting their readiness
 * (or startup) over from "unknown" would turn a Ready pod NotReady until the first probe
 * (out of its Services meanwhile; Kubernetes' issue 100277). The next probes correct it.
 */
function reportedResult(pod: Pod, name: string, id: string, kind: ProbeKind): boolean | undefined {
  if (kind === 'liveness') return undefined;
  const s = pod.status?.containerStatuses?.find((x) => x.name === name);
  if (!s?.containerID || !s.containerID.endsWith(`://${id}`)) return undefined;
  const known = kind === 'readiness' ? s.ready : s.started;
  return known === true ? true : undefined;
}
