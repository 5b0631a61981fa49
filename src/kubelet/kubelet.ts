// The kubelet core: follows the Pods bound to this node (an informer with
// fieldSelector spec.nodeName=<node>), runs one worker per pod UID that turns the pod
// into CRI sandboxes and containers, and reports status and events. On start it first
// removes what the runtime holds for pods the API no longer has; everything else it
// finds (labelled with the pod's uid) is adopted as is, so a restarted kubelet neither
// duplicates nor loses containers.

import os from 'node:os';
import path from 'node:path';
import {
  EventRecorder, Informer, isConflict, isNotFound, realClock, referenceOf,
  type Clock, type Logger, type RestClient,
} from '../client/index.js';
import type { ImageService, RuntimeService } from '../runtime/cri.js';
import { Backoff } from './backoff.js';
import { CgroupV1PodCgroups, type PodCgroups } from './cgroups/pod-cgroups.js';
import type { SyncDeps } from './deps.js';
import type { EndpointDrain } from './drain.js';
import { kubernetesServiceEnv, type EnvSources } from './env.js';
import { defaultDns, type DnsSettings } from './etc-files.js';
import type { ContainerEventSource } from './exit-events.js';
import { ImageManager, type Recorder } from './images.js';
import { PodIndexedRuntime } from './indexed-runtime.js';
import type { PodNetwork, VolumeManager } from './interfaces.js';
import { L_MANAGED, L_POD_NAME, L_POD_NAMESPACE, L_POD_UID } from './labels.js';
import { podDiffersSemantically } from './pod-changes.js';
import { Pleg } from './pleg.js';
import { PodWorkers } from './pod-workers.js';
import { StartLimit } from './start-limit.js';
import { StartTrace } from './start-trace.js';
import { ProbeManager } from './prober/manager.js';
import { podPath, StatusManager } from './status/manager.js';
import { PodSyncer, type SyncResult } from './sync-pod.js';
import { ServiceEnvSource } from './service-env.js';
import { cleanupPod, gracePeriodOf, killPod } from './terminate.js';
import type { Pod } from './types.js';

export interface KubeletOptions {
  client: RestClient;
  nodeName: string;
  runtime: RuntimeService;
  images: ImageService;
  network: PodNetwork;
  volumes: VolumeManager;
  /** Pod directories (etc files, termination logs) live in `<rootDir>/pods/<uid>`. */
  rootDir: string;
  /** CRI-style container logs; default `<rootDir>/logs`. */
  logRoot?: string;
  clock?: Clock;
  log: Logger;
  /** The node's addresses (status.hostIP(s)); default its first non-loopback IPv4. */
  hostIPs?: string[];
  /** Pod cgroups; default cgroup v1 under /sys/fs/cgroup. */
  cgroups?: PodCgroups;
  dns?: Partial<DnsSettings>;
  /** The API's service address, for KUBERNETES_SERVICE_HOST/PORT in every container. */
  apiService?: { host: string; port: number };
  /** Sync period of a settled pod without news (plus up to 50 % jitter); default 60 s. */
  resyncMs?: number;
  /** Sync period of a pod not settled (back-off, image pull, mount retry); default the smaller of 2 s and resyncMs. */
  busyResyncMs?: number;
  /**
   * Container exits as they happen (the agent passes conmon's exit files). Without them,
   * or with null, the relist alone notices exits.
   */
  containerEvents?: ContainerEventSource | null;
  /** Relist of the runtime without live container events; default 1 s (the kubelet's PLEG period). */
  relistMs?: number;
  /** Relist of the runtime while container events are live; default 10 s. */
  eventedRelistMs?: number;
  /** Restart and image back-off: initial and largest delay (default 10 s and 5 min). */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Pods brought up at once (their first sync); later syncs never wait. Default 8; 0: no limit. */
  podStartConcurrency?: number;
  /** The node's ServiceProxy: deleted pods leave its rules before their containers stop. */
  endpointDrain?: EndpointDrain;
}

function defaultHostIPs(): string[] {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return [a.address];
  }
  return ['127.0.0.1'];
}

function decodeData(obj: { data?: Record<string, string>; stringData?: Record<string, string> }, base64: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj.data ?? {})) out[k] = base64 ? Buffer.from(v, 'base64').toString('utf8') : v;
  return out;
}

export class Kubelet {
  private readonly informer: Informer<Pod>;
  private readonly workers: PodWorkers;
  private readonly syncer: PodSyncer;
  private readonly probes: ProbeManager;
  private readonly recorder: EventRecorder;
  private readonly services: ServiceEnvSource;
  private readonly pleg: Pleg;
  private readonly clock: Clock;
  private started = false;
  private readonly startLimit: StartLimit;
  private readonly trace: StartTrace;
  /** Pods whose first sync is done. */
  private readonly upPods = new Set<string>();

  constructor(private readonly o: KubeletOptions) {
    this.clock = o.clock ?? realClock;
    this.startLimit = new StartLimit(o.podStartConcurrency ?? 8);
    this.trace = new StartTrace(o.log);
    const client = o.client;
    this.recorder = new EventRecorder({ client, component: 'kubelet', host: o.nodeName, clock: this.clock, log: o.log });
    const record: Recorder = (pod, type, reason, message, fieldPath) => {
      const ref = { ...referenceOf({ ...pod, kind: 'Pod', apiVersion: 'v1' }, fieldPath) };
      void this.recorder.event(ref, type, reason, message);
    };
    const backoff = new Backoff(this.clock, o.backoffInitialMs, o.backoffMaxMs);
    const getData = async (kind: 'configmaps' | 'secrets', ns: string, name: string) => {
      try {
        const obj = await client.get<Pod & { data?: Record<string, string> }>(`/api/v1/namespaces/${encodeURIComponent(ns)}/${kind}/${encodeURIComponent(name)}`);
        return decodeData(obj, kind === 'secrets');
      } catch (e) {
        if (isNotFound(e)) return null;
        throw e;
      }
    };
    this.services = new ServiceEnvSource({ client, clock: this.clock, log: o.log });
    const envSources: EnvSources = {
      configMap: (ns, n) => getData('configmaps', ns, n), secret: (ns, n) => getData('secrets', ns, n),
      serviceEnv: (pod) => this.services.envFor(pod),
    };
    const images = new ImageManager({
      images: o.images, backoff, clock: this.clock, record,
      pullSecrets: async (pod) => {
        const out: Record<string, string>[] = [];
        for (const s of pod.spec.imagePullSecrets ?? []) {
          const data = await getData('secrets', pod.metadata.namespace ?? 'default', s.name);
          if (data) out.push(data);
        }
        return out;
      },
    });
    let syncer: PodSyncer | undefined;
    // Per-pod listings from an index of each pod's ids, not from every record the runtime holds.
    const runtime = new PodIndexedRuntime(o.runtime, { now: () => this.clock.now() });
    this.probes = new ProbeManager({
      runtime, clock: this.clock, record,
      onChange: (uid) => this.workers.poke(uid),
      podIP: (uid) => syncer?.podIP(uid) ?? '',
    });
    const deps: SyncDeps = {
      runtime, images, network: o.network, volumes: o.volumes,
      cgroups: o.cgroups ?? new CgroupV1PodCgroups(), probes: this.probes,
      status: new StatusManager(client, o.log), backoff, clock: this.clock, record, log: o.log,
      rootDir: o.rootDir, logRoot: o.logRoot ?? path.join(o.rootDir, 'logs'),
      dns: { ...defaultDns, ...o.dns }, nodeName: o.nodeName, hostIPs: o.hostIPs ?? defaultHostIPs(), envSources,
      nodeAllocatable: { cpu: os.cpus().length, memory: os.totalmem(), 'ephemeral-storage': 0 },
      serviceEnv: o.apiService ? kubernetesServiceEnv(o.apiService.host, o.apiService.port) : {},
      endpointDrain: o.endpointDrain, trace: this.trace.enabled ? this.trace : undefined,
    };
    syncer = this.syncer = new PodSyncer(deps);
    this.workers = new PodWorkers({
      clock: this.clock, log: o.log, resyncMs: o.resyncMs, busyResyncMs: o.busyResyncMs,
      lifecycle: {
        sync: (pod) => this.sync(pod),
        terminate: (pod, removed) => killPod(this.syncer, pod, removed ? 0 : pod.metadata.deletionTimestamp ? gracePeriodOf(pod) : 0, !removed),
        finalize: (pod, removed) => this.finalize(pod, removed),
      },
    });
    const events = o.containerEvents ?? undefined;
    this.pleg = new Pleg({
      source: runtime, events, clock: this.clock, log: o.log, periodMs: o.relistMs, eventedPeriodMs: o.eventedRelistMs,
      onChange: (uid) => this.workers.poke(uid),
    });
    this.informer = new Informer<Pod>({
      client, resource: { group: '', version: 'v1', resource: 'pods' },
      fieldSelector: `spec.nodeName=${o.nodeName}`, clock: this.clock, log: o.log, name: 'kubelet-pods',
    });
  }

  /** Starts following pods; resolves once the first list is in and orphans are cleaned up. */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.services.start();
    this.informer.start();
    await this.informer.waitForSync(signal);
    await this.removeOrphans();
    this.informer.addEventHandler({
      onAdd: (pod) => this.workers.update(pod),
      onUpdate: (old, pod) => {
        if (podDiffersSemantically(old, pod)) this.workers.update(pod);
      },
      onDelete: (pod) => this.workers.remove(pod),
    });
    this.pleg.start();
    this.o.log.info(`kubelet: node ${this.o.nodeName} following its pods`);
  }

  /** Stops watching and syncing; containers keep running (a restart adopts them). */
  async stop(): Promise<void> {
    await Promise.all([this.informer.stop(), this.services.stop()]);
    this.pleg.stop();
    this.probes.stop();
    await this.workers.stop();
  }

  /** The worker state of a pod, for tests and debugging. */
  podState(uid: string): string | undefined {
    return this.workers.state(uid);
  }

  /** A pod's first sync waits for a start slot; once it has been up, it never does again. */
  private async sync(pod: Pod): Promise<SyncResult> {
    const uid = pod.metadata.uid ?? '';
    if (this.upPods.has(uid)) return this.syncer.syncPod(pod);
    this.trace.begin(uid);
    const queued = performance.now();
    const r = await this.startLimit.run(async () => {
      this.trace.add(uid, 'wait', performance.now() - queued);
      return this.syncer.syncPod(pod);
    });
    this.upPods.add(uid);
    this.trace.end(uid, `${pod.metadata.namespace}/${pod.metadata.name}`);
    return r;
  }

  private async finalize(pod: Pod, removed: boolean): Promise<boolean> {
    this.upPods.delete(pod.metadata.uid ?? '');
    await cleanupPod(this.syncer, pod.metadata.uid ?? '', pod);
    if (removed) return true;
    try {
      await this.o.client.delete(podPath(pod.metadata.namespace ?? 'default', pod.metadata.name ?? ''), { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
    } catch (e) {
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
    return true;
  }

  /** Sandboxes of pods the API no longer has (deleted while the kubelet was away). */
  private async removeOrphans(): Promise<void> {
    const known = new Set(this.informer.lister.list().map((p) => p.metadata.uid));
    const seen = new Set<string>();
    for (const sb of await this.o.runtime.listPodSandbox({ labelSelector: { [L_MANAGED]: 'true' } })) {
      const uid = sb.labels[L_POD_UID];
      if (!uid || known.has(uid) || seen.has(uid)) continue;
      seen.add(uid);
      // All that is left of the pod is its labels; enough to find and remove its parts.
      const ghost: Pod = { metadata: { uid, name: sb.labels[L_POD_NAME], namespace: sb.labels[L_POD_NAMESPACE] }, spec: { containers: [] } };
      this.o.log.info(`kubelet: removing orphaned pod ${ghost.metadata.namespace}/${ghost.metadata.name} (${uid})`);
      try {
        await killPod(this.syncer, ghost, 0, false);
        await cleanupPod(this.syncer, uid, ghost);
      } catch (e) {
        this.o.log.warn(`kubelet: orphan ${uid}: ${(e as Error).message}`);
      }
    }
  }
}
