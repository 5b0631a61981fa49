// The runtime as the kubelet's pod workers see it: listings of one pod (a label selector
// naming its uid, as readPodState asks) are answered from an index of that pod's sandbox
// and container ids, by asking the runtime for the status of those ids only. The OCI
// runtime lists by reading and refreshing every record it holds, so one listing per pod
// per sync made the node's work grow with the square of its pods: 110 idle pods kept a
// core busy, and 100 pods created at once took minutes to start.
//
// The index learns ids from the creations that pass through it and from a full listing,
// taken when it is first needed and again every `relistMs` (so sandboxes and containers
// made by another process, such as an earlier kubelet or `k8ts ctr`, are found). Ids the
// runtime no longer knows drop out when their status answers NotFound. It only ever
// adds from listings, so a listing racing a creation cannot lose the new id.

import {
  NotFoundError, matchesLabels,
  type Container, type ContainerConfig, type ContainerFilter, type ContainerStats, type ContainerStatsFilter,
  type ContainerStatus, type ExecOptions, type ExecSyncResult, type LogLine, type LogOptions, type PodSandbox,
  type PodSandboxConfig, type PodSandboxFilter, type PodSandboxStatus, type RuntimeService, type StreamHandle,
} from '../runtime/cri.js';
import { L_POD_UID } from './labels.js';

export interface PodIndexedRuntimeOptions {
  /** Milliseconds clock; default Date.now. */
  now?: () => number;
  /** How often the index is checked against a full listing; default 60 s. */
  relistMs?: number;
}

interface PodIds {
  sandboxes: Set<string>;
  containers: Set<string>;
}

async function unlessGone<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof NotFoundError) return null;
    throw e;
  }
}

export class PodIndexedRuntime implements RuntimeService {
  private readonly pods = new Map<string, PodIds>();
  private listing: Promise<void> | null = null;
  private listedAt = -Infinity;
  private readonly now: () => number;
  private readonly relistMs: number;

  constructor(private readonly rt: RuntimeService, o: PodIndexedRuntimeOptions = {}) {
    this.now = o.now ?? Date.now;
    this.relistMs = o.relistMs ?? 60_000;
  }

  version() { return this.rt.version(); }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const id = await this.rt.runPodSandbox(config);
    const uid = config.labels?.[L_POD_UID];
    if (uid) this.ids(uid).sandboxes.add(id);
    return id;
  }

  stopPodSandbox(id: string) { return this.rt.stopPodSandbox(id); }
  removePodSandbox(id: string) { return this.rt.removePodSandbox(id); }
  podSandboxStatus(id: string) { return this.rt.podSandboxStatus(id); }

  async listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]> {
    const uid = filter?.labelSelector?.[L_POD_UID];
    if (uid === undefined) return this.rt.listPodSandbox(filter);
    const f = filter!;
    return (await this.podState(uid)).sandboxes
      .filter((s) => (!f.id || s.id === f.id) && (!f.state || s.state === f.state) && matchesLabels(s.labels, f.labelSelector))
      .map((s) => ({ id: s.id, metadata: s.metadata, state: s.state, createdAt: s.createdAt, labels: s.labels, annotations: s.annotations }));
  }

  async createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    const id = await this.rt.createContainer(podSandboxId, config, sandboxConfig);
    const uid = config.labels?.[L_POD_UID] ?? sandboxConfig.labels?.[L_POD_UID];
    if (uid) this.ids(uid).containers.add(id);
    return id;
  }

  startContainer(id: string) { return this.rt.startContainer(id); }
  stopContainer(id: string, timeoutSeconds: number) { return this.rt.stopContainer(id, timeoutSeconds); }
  removeContainer(id: string) { return this.rt.removeContainer(id); }
  containerStatus(id: string) { return this.rt.containerStatus(id); }

  async listContainers(filter?: ContainerFilter): Promise<Container[]> {
    const uid = filter?.labelSelector?.[L_POD_UID];
    if (uid === undefined) return this.rt.listContainers(filter);
    const f = filter!;
    return (await this.podState(uid)).containers
      .filter((c) => (!f.id || c.id === f.id) && (!f.podSandboxId || c.podSandboxId === f.podSandboxId) && (!f.state || c.state === f.state) && matchesLabels(c.labels, f.labelSelector))
      .map(asContainer);
  }

  /** The pod's sandboxes and containers with their statuses: one status read per id, no listing. */
  async podState(uid: string): Promise<{ sandboxes: PodSandboxStatus[]; containers: ContainerStatus[] }> {
    await this.relistIfDue();
    const ids = this.pods.get(uid);
    if (!ids) return { sandboxes: [], containers: [] };
    const [sbs, cs] = await Promise.all([
      Promise.all([...ids.sandboxes].map((id) => unlessGone(this.rt.podSandboxStatus(id)).then((s) => ({ id, s })))),
      Promise.all([...ids.containers].map((id) => unlessGone(this.rt.containerStatus(id)).then((c) => ({ id, c })))),
    ]);
    const sandboxes: PodSandboxStatus[] = [];
    const containers: ContainerStatus[] = [];
    for (const { id, s } of sbs) if (s) sandboxes.push(s); else ids.sandboxes.delete(id);
    for (const { id, c } of cs) if (c) containers.push(c); else ids.containers.delete(id);
    if (ids.sandboxes.size === 0 && ids.containers.size === 0 && this.pods.get(uid) === ids) this.pods.delete(uid);
    return { sandboxes, containers };
  }

  /** Every indexed pod's state, for the PLEG's relist. */
  async podStates(): Promise<Map<string, { sandboxes: PodSandboxStatus[]; containers: ContainerStatus[] }>> {
    await this.relistIfDue();
    const uids = [...this.pods.keys()];
    const states = await Promise.all(uids.map((uid) => this.podState(uid)));
    return new Map(uids.map((uid, i) => [uid, states[i]!]));
  }

  /** The uid of the pod a container belongs to, if the index knows the container. */
  podOfContainer(id: string): string | undefined {
    for (const [uid, ids] of this.pods) if (ids.containers.has(id)) return uid;
    return undefined;
  }

  execSync(id: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult> { return this.rt.execSync(id, cmd, timeoutSeconds); }
  exec(id: string, opts: ExecOptions): Promise<StreamHandle> { return this.rt.exec(id, opts); }
  attach(id: string, opts: { stdin?: boolean }): Promise<StreamHandle> { return this.rt.attach(id, opts); }
  readContainerLogs(id: string, opts?: LogOptions): AsyncIterable<LogLine> { return this.rt.readContainerLogs(id, opts); }
  containerStats(id: string): Promise<ContainerStats> { return this.rt.containerStats(id); }
  listContainerStats(filter?: ContainerStatsFilter): Promise<ContainerStats[]> { return this.rt.listContainerStats(filter); }

  private ids(uid: string): PodIds {
    let e = this.pods.get(uid);
    if (!e) this.pods.set(uid, (e = { sandboxes: new Set(), containers: new Set() }));
    return e;
  }

  /** One full listing at a time, shared by every caller waiting for it. */
  private relistIfDue(): Promise<void> {
    if (this.listing) return this.listing;
    if (this.now() - this.listedAt < this.relistMs) return Promise.resolve();
    this.listing = (async () => {
      try {
        const [sandboxes, containers] = await Promise.all([this.rt.listPodSandbox(), this.rt.listContainers()]);
        for (const s of sandboxes) if (s.labels[L_POD_UID]) this.ids(s.labels[L_POD_UID]).sandboxes.add(s.id);
        for (const c of containers) if (c.labels[L_POD_UID]) this.ids(c.labels[L_POD_UID]).containers.add(c.id);
        this.listedAt = this.now();
      } finally {
        this.listing = null;
      }
    })();
    return this.listing;
  }
}

function asContainer(c: ContainerStatus): Container {
  return { id: c.id, podSandboxId: c.podSandboxId, metadata: c.metadata, image: c.image, imageRef: c.imageRef, state: c.state, createdAt: c.createdAt, labels: c.labels, annotations: c.annotations };
}
