// One pass of the kubelet's SyncPod for a pod that should run: make sure the sandbox
// exists (recreating it, and so every container, when it died), the network and
// volumes are there, run init containers one at a time to completion, then keep the
// app containers running per restartPolicy with Kubernetes' crash-loop back-off, kill
// containers whose liveness or startup probe failed, and report the status.

import { VolumeSetupError } from './volumes/errors.js';
import { BACKOFF_RESET_RUN_MS } from './backoff.js';
import { fieldPathOf, killContainer, startContainer, terminationMessage } from './containers.js';
import type { SyncDeps } from './deps.js';
import { writePodEtcFiles } from './etc-files.js';
import type { RunningContainer } from './prober/manager.js';
import { isKubeletCondition } from './pod-changes.js';
import { podResources, qosClass } from './resources.js';
import { instances, nsToMs, readPodState, readySandbox, type ContainerKind, type PodRuntimeState } from './runtime-state.js';
import { createSandbox, sandboxConfig, sandboxIPs } from './sandbox.js';
import { computePodStatus, type Waiting } from './status/compute.js';
import type { ContainerSpec, Pod, PodStatusV1 } from './types.js';
import type { Mount } from '../runtime/cri.js';

export interface SyncResult {
  /** Every container is done for good (restartPolicy): the pod's phase is terminal. */
  terminal: boolean;
  /**
   * Nothing is waiting: init containers done, every app container running or done for
   * good, no back-off or pull under way. Such a pod needs no sync until news.
   */
  settled?: boolean;
  /** Milliseconds until its activeDeadlineSeconds runs out, when it has one. */
  dueInMs?: number;
}

export class PodSyncer {
  private readonly ips = new Map<string, { sandbox: string; ips: string[] }>();
  private readonly cgroupOf = new Map<string, string>();
  private readonly waiting = new Map<string, Map<string, Waiting>>();
  /** Why the kubelet failed a pod itself (activeDeadlineSeconds), for status.reason/message. */
  private readonly failed = new Map<string, { reason: string; message: string }>();

  constructor(readonly d: SyncDeps) {}

  podIP(uid: string): string {
    return this.ips.get(uid)?.ips[0] ?? '';
  }

  async syncPod(pod: Pod): Promise<SyncResult> {
    const d = this.d;
    const uid = pod.metadata.uid ?? '';
    const last = d.status.last(uid) ?? pod.status;
    if (last?.phase === 'Succeeded' || last?.phase === 'Failed') return { terminal: true };
    const deadline = pod.spec.activeDeadlineSeconds;
    const started = last?.startTime ? Date.parse(last.startTime) : NaN;
    if (deadline !== undefined && !Number.isNaN(started) && d.clock.now() - started >= deadline * 1000) {
      const message = 'Pod was active on the node longer than the specified deadline';
      d.record(pod, 'Normal', 'DeadlineExceeded', message);
      this.failed.set(uid, { reason: 'DeadlineExceeded', message });
      return { terminal: true };
    }
    const dueInMs = deadline === undefined ? undefined : Math.max(0, deadline * 1000 - (Number.isNaN(started) ? 0 : d.clock.now() - started));
    const waiting = new Map<string, Waiting>();
    this.waiting.set(uid, waiting);
    let state = await readPodState(d.runtime, uid);
    let sb = readySandbox(state);
    const policy = pod.spec.restartPolicy ?? 'Always';
    if (!sb) {
      // A dead sandbox takes every container with it; with Never, containers that ran are not run again.
      if (policy === 'Never' && pod.spec.containers.some((c) => instances(state, c.name, 'app').length)) return { terminal: true };
      for (const old of state.sandboxes) await this.stopSandbox(pod, old.id, old.netnsPath, old.state === 'SANDBOX_READY');
      const attempt = state.sandboxes.length ? state.sandboxes[0].metadata.attempt + 1 : 0;
      const created = d.trace ? await d.trace.time(uid, 'sandbox', () => createSandbox(d, pod, attempt)) : await createSandbox(d, pod, attempt);
      this.ips.set(uid, { sandbox: created.id, ips: created.ips });
      this.cgroupOf.set(uid, created.config.linux?.cgroupParent ?? '');
      state = await readPodState(d.runtime, uid);
      sb = readySandbox(state);
      if (!sb) return { terminal: false };
    }
    if (this.ips.get(uid)?.sandbox !== sb.id) {
      // First sight of this sandbox (new, or adopted after a restart): pod cgroup and addresses.
      this.cgroupOf.set(uid, await d.cgroups.ensure(uid, qosClass(pod), podResources(pod)));
      this.ips.set(uid, { sandbox: sb.id, ips: await sandboxIPs(d, pod, sb.id) });
    }
    const podIPs = this.ips.get(uid)!.ips;
    const config = await sandboxConfig(d, pod, sb.metadata.attempt, this.cgroupOf.get(uid) ?? '');
    let volumes: Map<string, string>;
    try {
      volumes = d.trace ? await d.trace.time(uid, 'volumes', () => d.volumes.mountPodVolumes(pod)) : await d.volumes.mountPodVolumes(pod);
    } catch (e) {
      d.record(pod, 'Warning', 'FailedMount', e instanceof VolumeSetupError ? e.eventMessage : `MountVolume.SetUp failed: ${(e as Error).message}`);
      await this.writeStatus(pod, state, false);
      return { terminal: false };
    }
    // The etc files are written when a container is about to start, as the kubelet makes
    // them in its container mounts, not on every pass: their content follows the pod's
    // spec and sandbox, which a running container already has.
    let etcFiles: Promise<Mount[]> | undefined;
    const start = async (spec: ContainerSpec, kind: ContainerKind, attempt: number) => {
      const etcMounts = await (etcFiles ??= writePodEtcFiles(`${d.rootDir}/pods/${uid}`, pod, podIPs, d.dns));
      const w = await startContainer(d, { pod, spec, kind, attempt, sandboxId: sb!.id, sandboxConfig: config, podIPs, volumes, etcMounts });
      if (w) waiting.set(`${kind}/${spec.name}`, w);
    };
    let terminal = false;
    let settled = false;
    const inits = pod.spec.initContainers ?? [];
    let initDone = pod.spec.containers.some((c) => instances(state, c.name, 'app', sb!.id).length > 0);
    if (!initDone) {
      initDone = true;
      for (const c of inits) {
        const [latest] = instances(state, c.name, 'init', sb.id);
        if (latest?.state === 'CONTAINER_EXITED' && latest.exitCode === 0) continue;
        initDone = false;
        if (latest?.state === 'CONTAINER_RUNNING') break;
        if (latest?.state === 'CONTAINER_EXITED') {
          if (policy === 'Never') terminal = true;
          else if (this.inBackOff(pod, c, 'init', latest.startedAt, latest.finishedAt)) waiting.set(`init/${c.name}`, this.crashLoop(pod, c, 'init'));
          else await start(c, 'init', this.nextAttempt(state, c.name, 'init'));
        } else await start(c, 'init', this.nextAttempt(state, c.name, 'init'));
        break;
      }
    }
    if (initDone) {
      let acted = false;
      for (const c of pod.spec.containers) acted = (await this.syncApp(pod, c, state, sb.id, start, waiting)) || acted;
      // A pass that changed nothing (a running pod's resync) needs no second look at the runtime.
      if (acted) state = await readPodState(d.runtime, uid);
      const latest = pod.spec.containers.map((c) => instances(state, c.name, 'app', sb!.id)[0]);
      const exited = latest.every((l) => l?.state === 'CONTAINER_EXITED');
      if (policy === 'Never' && exited) terminal = true;
      if (policy === 'OnFailure' && exited && latest.every((l) => l!.exitCode === 0)) terminal = true;
      settled = waiting.size === 0 && latest.every((l) => l?.state === 'CONTAINER_RUNNING' || (l?.state === 'CONTAINER_EXITED' && (policy === 'Never' || (policy === 'OnFailure' && l.exitCode === 0))));
    } else state = await readPodState(d.runtime, uid);
    const running = new Map<string, RunningContainer>();
    for (const c of pod.spec.containers) {
      const [l] = instances(state, c.name, 'app', sb.id);
      if (l?.state === 'CONTAINER_RUNNING') running.set(c.name, { id: l.id, startedAtMs: nsToMs(l.startedAt) });
    }
    d.probes.sync(pod, running);
    if (d.trace) await d.trace.time(uid, 'status', () => this.writeStatus(pod, state, false));
    else await this.writeStatus(pod, state, false);
    return { terminal, settled, dueInMs };
  }

  /** Answers whether it changed anything in the runtime. */
  private async syncApp(pod: Pod, c: ContainerSpec, state: PodRuntimeState, sandboxId: string, start: (spec: ContainerSpec, kind: ContainerKind, attempt: number) => Promise<void>, waiting: Map<string, Waiting>): Promise<boolean> {
    const d = this.d;
    const uid = pod.metadata.uid ?? '';
    const policy = pod.spec.restartPolicy ?? 'Always';
    const [latest] = instances(state, c.name, 'app', sandboxId);
    if (!latest) {
      await start(c, 'app', this.nextAttempt(state, c.name, 'app'));
      return true;
    }
    if (latest.state === 'CONTAINER_RUNNING') {
      const failed = d.probes.result(uid, c.name, 'liveness') === false ? 'liveness' : d.probes.result(uid, c.name, 'startup') === false ? 'startup' : null;
      if (!failed) return false;
      const probe = failed === 'liveness' ? c.livenessProbe : c.startupProbe;
      const grace = probe?.terminationGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
      await killContainer(d, pod, c, 'app', latest.id, grace, `Container ${c.name} failed ${failed} probe, will be restarted`);
      if (policy === 'Never') return true;
      const st = await d.runtime.containerStatus(latest.id);
      if (this.inBackOff(pod, c, 'app', st.startedAt, st.finishedAt)) waiting.set(`app/${c.name}`, this.crashLoop(pod, c, 'app'));
      else await start(c, 'app', this.nextAttempt(state, c.name, 'app'));
      return true;
    }
    const restart = policy === 'Always' || (policy === 'OnFailure' && latest.exitCode !== 0) || latest.state === 'CONTAINER_CREATED';
    if (!restart) return false;
    if (latest.state === 'CONTAINER_CREATED' || latest.state === 'CONTAINER_UNKNOWN') await d.runtime.removeContainer(latest.id);
    else if (this.inBackOff(pod, c, 'app', latest.startedAt, latest.finishedAt)) {
      waiting.set(`app/${c.name}`, this.crashLoop(pod, c, 'app'));
      return false;
    }
    await start(c, 'app', this.nextAttempt(state, c.name, 'app'));
    await this.pruneOld(state, c.name, 'app');
    return true;
  }

  /** True while the container must wait; otherwise records the restart in the back-off. */
  private inBackOff(pod: Pod, c: ContainerSpec, kind: ContainerKind, startedNs: number, finishedNs: number): boolean {
    const key = `${pod.metadata.uid}/${kind}/${c.name}`;
    if (startedNs && finishedNs - startedNs >= BACKOFF_RESET_RUN_MS * 1e6) this.d.backoff.reset(key);
    if (this.d.backoff.isInBackOffSince(key, nsToMs(finishedNs))) return true;
    this.d.backoff.next(key);
    return false;
  }

  private crashLoop(pod: Pod, c: ContainerSpec, kind: ContainerKind): Waiting {
    const delay = Math.round(this.d.backoff.delay(`${pod.metadata.uid}/${kind}/${c.name}`) / 1000);
    const who = `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
    this.d.record(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${who}`, fieldPathOf(kind, c.name));
    const d = delay >= 60 ? `${Math.floor(delay / 60)}m${delay % 60}s` : `${delay}s`;
    return { reason: 'CrashLoopBackOff', message: `back-off ${d} restarting failed container=${c.name} pod=${who}` };
  }

  private nextAttempt(state: PodRuntimeState, name: string, kind: ContainerKind): number {
    const [latest] = instances(state, name, kind);
    return latest ? latest.metadata.attempt + 1 : 0;
  }

  /** Keeps the newest dead instance (for lastState and logs --previous); removes older ones. */
  private async pruneOld(state: PodRuntimeState, name: string, kind: ContainerKind): Promise<void> {
    const dead = instances(state, name, kind).filter((c) => c.state === 'CONTAINER_EXITED');
    for (const c of dead.slice(1)) await this.d.runtime.removeContainer(c.id).catch(() => {});
  }

  /** Tears the network down (while the netns exists) and stops the sandbox. */
  async stopSandbox(pod: Pod, id: string, netnsPath: string, ready: boolean): Promise<void> {
    if (ready && !pod.spec.hostNetwork && netnsPath) {
      await this.d.network.tearDown(pod, { id, netnsPath }).catch((e: Error) => this.d.log.warn(`kubelet: network teardown of ${id}: ${e.message}`));
    }
    await this.d.runtime.stopPodSandbox(id);
  }

  async writeStatus(pod: Pod, state: PodRuntimeState, terminal: boolean): Promise<PodStatusV1> {
    const d = this.d;
    const uid = pod.metadata.uid ?? '';
    const messages = new Map<string, string>();
    const specs = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
    for (const c of state.containers) {
      if (c.state !== 'CONTAINER_EXITED') continue;
      const m = await terminationMessage(d, pod, specs.find((s) => s.name === c.metadata.name), c);
      if (m) messages.set(c.id, m);
    }
    // The kubelet's own last write, but the conditions others own (readiness gates) as the
    // API has them now: that write may predate them, and would drop them if used as is.
    const last = d.status.last(uid);
    const conditions = last && [...(last.conditions ?? []).filter((c) => isKubeletCondition(c.type)), ...(pod.status?.conditions ?? []).filter((c) => !isKubeletCondition(c.type))];
    const base = { ...pod, status: last ? { ...last, conditions } : pod.status };
    const status = computePodStatus({
      pod: base,
      state,
      waiting: this.waiting.get(uid) ?? new Map(),
      messages,
      ready: (n) => (d.probes.hasProbe(uid, n, 'readiness') ? d.probes.result(uid, n, 'readiness') === true : true),
      started: (n) => (d.probes.hasProbe(uid, n, 'startup') ? d.probes.result(uid, n, 'startup') === true : true),
      podIPs: this.ips.get(uid)?.ips ?? [],
      hostIPs: d.hostIPs,
      terminal,
      nowMs: d.clock.now(),
    });
    const failed = this.failed.get(uid);
    if (failed && terminal) Object.assign(status, { phase: 'Failed', ...failed });
    await d.status.set(pod, status);
    return status;
  }

  forget(uid: string): void {
    this.ips.delete(uid);
    this.cgroupOf.delete(uid);
    this.waiting.delete(uid);
    this.failed.delete(uid);
  }
}
