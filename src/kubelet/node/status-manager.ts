// Registers the node and keeps its status and lease current, the way a kubelet with
// node leases does: the Lease is renewed every 10 s (the cheap heartbeat), while the
// Node's status is computed every 10 s but written only when it changed or when 5
// minutes passed since the last write, so an idle cluster is not flooded with updates.

import { realClock, type Clock, type TimerHandle } from '../../client/clock.js';
import { isAlreadyExists } from '../../client/errors.js';
import { silentLogger, type Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import type { KObject } from '../../client/types.js';
import type { ImageService, RuntimeService } from '../../runtime/cri.js';
import { primaryIPv4, readHostInfo, type HostInfo } from './host-info.js';
import { renewNodeLease } from './lease.js';
import { computeNodeStatus, nodeImages, statusChanged, type NodeCondition, type NodeStatus } from './node-status.js';

export interface NodeStatusManagerOptions {
  client: RestClient;
  nodeName: string;
  /** Extra labels to register with (kubelet --node-labels). */
  labels?: Record<string, string>;
  /** The server's own agent: adds the control-plane role labels, as k3s does. */
  isServer: boolean;
  /** spec.podCIDR to register with when the control plane does not assign one. */
  podCIDRHint?: string;
  clock?: Clock;
  log?: Logger;
  runtime?: RuntimeService;
  images?: ImageService;
  /** Filesystem of pods' data, for ephemeral-storage. Default '/var/lib/k8ts'. */
  dataDir?: string;
  /** The streaming server's port, reported in daemonEndpoints. Default 10250. */
  kubeletPort?: number;
  /** Default 'v1.33.0-k8ts'; pass the server's /version gitVersion. */
  kubeletVersion?: string;
  /** Override of the node's InternalIP (tests; several nodes on one host). Default: the primary IPv4. */
  internalIP?: string;
  /** Reads the host (tests hand in fixed values). Default: readHostInfo({ dataDir }). */
  readHost?: () => Promise<HostInfo>;
  /** Extra readiness (e.g. network plugin up). Default: ready when the runtime answers. */
  readiness?: () => Promise<{ ready: boolean; message?: string }>;
  /** Default 10 s. */
  statusPeriodMs?: number;
  /** Default 5 minutes. */
  statusReportMs?: number;
  /** How long a good runtime version (the runtime's health check) is trusted; default 60 s. */
  runtimeCheckMs?: number;
  /** Default 10 s. */
  leaseRenewMs?: number;
}

interface NodeObject extends KObject {
  spec?: { podCIDR?: string; podCIDRs?: string[]; [k: string]: unknown };
  status?: Partial<NodeStatus>;
}

export function nodeLabels(nodeName: string, isServer: boolean, extra: Record<string, string> = {}): Record<string, string> {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  return {
    'beta.kubernetes.io/arch': arch,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': arch,
    'kubernetes.io/hostname': nodeName,
    'kubernetes.io/os': 'linux',
    ...(isServer ? { 'node-role.kubernetes.io/control-plane': 'true', 'node-role.kubernetes.io/master': 'true' } : {}),
    ...extra,
  };
}

export class NodeStatusManager {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly path: string;
  private lastReported?: NodeStatus;
  private lastReportAt = 0;
  private versionSeen?: { text: string; at: number };
  private nodeUid?: string;
  private conditions: NodeCondition[] = [];
  private readonly timers = new Map<string, TimerHandle>();
  private stopped = false;

  constructor(private readonly opts: NodeStatusManagerOptions) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.log ?? silentLogger;
    this.path = `/api/v1/nodes/${encodeURIComponent(opts.nodeName)}`;
  }

  /** Registers the node, reports its status and lease once, then keeps both current until stop(). */
  async start(): Promise<void> {
    await this.register();
    await this.syncStatus(true);
    await this.renewLease();
    this.loop('status', this.opts.statusPeriodMs ?? 10_000, () => this.syncStatus(false));
    this.loop('lease', this.opts.leaseRenewMs ?? 10_000, () => this.renewLease());
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) this.clock.clearTimeout(t);
    this.timers.clear();
  }

  /** Creates the Node, or takes over an existing one of the same name (labels merged in). */
  async register(): Promise<NodeObject> {
    const labels = nodeLabels(this.opts.nodeName, this.opts.isServer, this.opts.labels);
    const annotations = { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' };
    const spec = this.opts.podCIDRHint ? { podCIDR: this.opts.podCIDRHint, podCIDRs: [this.opts.podCIDRHint] } : {};
    let node: NodeObject;
    try {
      node = await this.opts.client.create<NodeObject>('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: this.opts.nodeName, labels, annotations }, spec });
      this.log.info(`node ${this.opts.nodeName}: registered`);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const existing = await this.opts.client.get<NodeObject>(this.path);
      const patch: Record<string, unknown> = { metadata: { labels, annotations } };
      if (this.opts.podCIDRHint && !existing.spec?.podCIDR) patch.spec = spec;
      node = await this.opts.client.patch<NodeObject>(this.path, patch, 'merge');
      const prev = node.status?.conditions;
      if (Array.isArray(prev)) this.conditions = prev;
      this.log.info(`node ${this.opts.nodeName}: took over the existing Node`);
    }
    this.nodeUid = node.metadata.uid;
    return node;
  }

  /** Computes the status; writes it when it changed, when forced, or when the report period passed. Answers whether it wrote. */
  async syncStatus(force = false): Promise<boolean> {
    const now = this.clock.now();
    const status = computeNodeStatus(await this.inputs(), this.conditions, now);
    const due = now - this.lastReportAt >= (this.opts.statusReportMs ?? 300_000);
    if (!force && !due && !statusChanged(this.lastReported, status)) return false;
    try {
      await this.opts.client.patch(`${this.path}/status`, { status }, 'merge');
    } catch (err) {
      this.log.warn(`node ${this.opts.nodeName}: status update failed: ${(err as Error).message}`);
      return false;
    }
    this.lastReported = status;
    this.lastReportAt = now;
    this.conditions = status.conditions;
    return true;
  }

  async renewLease(): Promise<void> {
    try {
      await renewNodeLease(this.opts.client, this.opts.nodeName, this.nodeUid, this.clock.now());
    } catch (err) {
      this.log.warn(`node ${this.opts.nodeName}: lease renewal failed: ${(err as Error).message}`);
    }
  }

  /**
   * The runtime's version, which is also its health check. The OCI runtime answers by
   * running `crun --version`, a process per status sync; a good answer is kept for
   * `runtimeCheckMs`, a failure never (the node turns NotReady at the next sync).
   */
  private async runtimeVersion(runtime: NonNullable<NodeStatusManagerOptions['runtime']>): Promise<string> {
    const now = this.clock.now();
    if (this.versionSeen && now - this.versionSeen.at < (this.opts.runtimeCheckMs ?? 60_000)) return this.versionSeen.text;
    const v = await runtime.version();
    this.versionSeen = { text: `${v.runtimeName}://${v.runtimeVersion}`, at: now };
    return this.versionSeen.text;
  }

  private async inputs() {
    const host = await (this.opts.readHost ?? (() => readHostInfo({ dataDir: this.opts.dataDir ?? '/var/lib/k8ts' })))();
    let runtimeVersion = 'k8ts://0.1.0';
    let ready: { ready: boolean; message?: string } = { ready: true };
    if (this.opts.runtime) {
      try {
        runtimeVersion = await this.runtimeVersion(this.opts.runtime);
      } catch (err) {
        ready = { ready: false, message: `container runtime is down: ${(err as Error).message}` };
      }
    }
    if (ready.ready && this.opts.readiness) ready = await this.opts.readiness();
    let images: ReturnType<typeof nodeImages> = [];
    if (this.opts.images) {
      try {
        images = nodeImages(await this.opts.images.listImages());
      } catch (err) {
        this.log.warn(`node ${this.opts.nodeName}: listing images failed: ${(err as Error).message}`);
        images = this.lastReported?.images ?? [];
      }
    }
    return {
      host,
      nodeName: this.opts.nodeName,
      internalIP: this.opts.internalIP ?? primaryIPv4(),
      kubeletPort: this.opts.kubeletPort ?? 10250,
      kubeletVersion: this.opts.kubeletVersion ?? 'v1.33.0-k8ts',
      containerRuntimeVersion: runtimeVersion,
      images,
      ready,
    };
  }

  private loop(name: string, ms: number, fn: () => Promise<unknown>): void {
    const tick = () => {
      if (this.stopped) return;
      void fn().catch((err: unknown) => this.log.warn(`node ${this.opts.nodeName}: ${(err as Error).message}`)).finally(() => {
        if (!this.stopped) this.timers.set(name, this.clock.setTimeout(tick, ms));
      });
    };
    this.timers.set(name, this.clock.setTimeout(tick, ms));
  }
}
