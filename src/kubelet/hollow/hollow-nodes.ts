// Many simulated kubelets in one process. Each registers its Node, keeps its Lease in
// kube-node-lease renewed and its Ready condition's heartbeat fresh, and "runs" the pods
// bound to it: they go Running at once with fake IPs and container ids, deleted pods
// are removed (grace 0, as a kubelet does once their containers stopped), and pods
// asking to exit go Succeeded after the time they ask. Nothing runs: this is for
// scheduler and controller tests at the scale of thousands of nodes.
//
// At that scale one watch for all pods, filtered here, is cheaper for the server than
// one watch per node; renewals go out in sweeps of bounded concurrency.

import { realClock, sleep, type Clock, type TimerHandle } from '../../client/clock.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../client/errors.js';
import { runWorkers, type Workers } from '../../client/controller.js';
import { Informer } from '../../client/informer.js';
import { silentLogger, type Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import type { KObject } from '../../client/types.js';
import { WorkQueue } from '../../client/work-queue.js';
import { nodeConditions, nodeIP, nodeObject, rfc3339, type HollowNodeSpec } from './node-object.js';
import { exitAfterSeconds, runningStatus, succeededStatus } from './pod-status.js';

export interface HollowNodesOptions {
  client: RestClient;
  /** How many nodes. */
  count: number;
  /** Node names are `${namePrefix}${i}`. Default 'hollow-node-'. */
  namePrefix?: string;
  /** Per-node allocatable. Defaults 4 cpu, 16Gi, 110 pods, 100Gi ephemeral storage. */
  cpu?: string;
  memory?: string;
  pods?: number;
  ephemeralStorage?: string;
  labels?: Record<string, string>;
  /** Per-node overrides (tests give nodes different sizes). */
  perNode?: (i: number) => Partial<Omit<HollowNodeSpec, 'index' | 'name'>> | undefined;
  /** Default true: keep leases in kube-node-lease. */
  leases?: boolean;
  /** Default true: act as kubelet for the pods bound to these nodes. */
  runPods?: boolean;
  /** Lease renew period. Default 10 s (lease duration 40 s). */
  leaseRenewMs?: number;
  /** Node status heartbeat period. Default 60 s. */
  statusUpdateMs?: number;
  /** Requests at once while registering and renewing. Default 32. */
  concurrency?: number;
  clock?: Clock;
  log?: Logger;
}

interface PodObj extends KObject {
  spec?: { nodeName?: string; containers?: { name?: string; image?: string }[]; restartPolicy?: string };
  status?: { phase?: string; startTime?: string; podIP?: string };
}

/** Runs fn over items with at most n in flight. */
async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

export class HollowNodes {
  readonly specs: HollowNodeSpec[];
  private readonly byName = new Map<string, HollowNodeSpec>();
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly abort = new AbortController();
  private readonly started = Date.now();
  private readonly ipCounters = new Map<string, number>();
  private readonly exitTimers = new Map<string, TimerHandle>();
  private pods?: Informer<PodObj>;
  /** Only for spec.podCIDR, which a node IPAM controller may assign after registration. */
  private nodes?: Informer<KObject>;
  private queue?: WorkQueue<string>;
  private workers?: Workers;
  private loops: Promise<void>[] = [];

  constructor(private readonly opts: HollowNodesOptions) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.log ?? silentLogger;
    const prefix = opts.namePrefix ?? 'hollow-node-';
    this.specs = Array.from({ length: opts.count }, (_, i) => {
      const o = opts.perNode?.(i) ?? {};
      const s: HollowNodeSpec = {
        name: `${prefix}${i}`,
        index: i,
        cpu: o.cpu ?? opts.cpu ?? '4',
        memory: o.memory ?? opts.memory ?? '16Gi',
        pods: o.pods ?? opts.pods ?? 110,
        ephemeralStorage: o.ephemeralStorage ?? opts.ephemeralStorage ?? '100Gi',
        labels: { ...(opts.labels ?? {}), ...(o.labels ?? {}) },
        taints: o.taints,
      };
      this.byName.set(s.name, s);
      return s;
    });
  }

  private get concurrency(): number {
    return this.opts.concurrency ?? 32;
  }

  /** Registers the nodes (and leases), then keeps them alive until stop(). */
  async start(): Promise<void> {
    await pool(this.specs, this.concurrency, (s) => this.register(s));
    this.log.info(`hollow: registered ${this.specs.length} nodes`);
    if (this.opts.leases !== false) {
      await this.ensureLeaseNamespace();
      await pool(this.specs, this.concurrency, (s) => this.renewLease(s));
      this.loops.push(this.every(this.opts.leaseRenewMs ?? 10_000, () => pool(this.specs, this.concurrency, (s) => this.renewLease(s))));
      this.loops.push(this.every(this.opts.statusUpdateMs ?? 60_000, () => pool(this.specs, this.concurrency, (s) => this.heartbeat(s))));
    }
    if (this.opts.runPods !== false) this.startPods();
  }

  private async every(ms: number, fn: () => Promise<void>): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      await sleep(this.clock, ms, signal);
      if (signal.aborted) break;
      try {
        await fn();
      } catch (err) {
        this.log.warn(`hollow: ${(err as Error).message}`);
      }
    }
  }

  private async register(s: HollowNodeSpec): Promise<void> {
    const body = nodeObject(s, this.clock.now());
    try {
      const created = await this.opts.client.create<KObject>('/api/v1/nodes', body);
      // Some servers drop status on create, as they do for most kinds: write it again.
      if (!(created.status as { allocatable?: unknown } | undefined)?.allocatable) {
        await this.opts.client.patch(`/api/v1/nodes/${encodeURIComponent(s.name)}/status`, { status: body.status }, 'merge');
      }
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      // A restart of the same hollow set: take the node over again.
      await this.opts.client.patch(`/api/v1/nodes/${encodeURIComponent(s.name)}`, { metadata: { labels: (body.metadata as { labels: unknown }).labels } }, 'merge');
      await this.opts.client.patch(`/api/v1/nodes/${encodeURIComponent(s.name)}/status`, { status: body.status }, 'merge');
    }
  }

  private async ensureLeaseNamespace(): Promise<void> {
    try {
      await this.opts.client.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-node-lease' } });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }

  private leasePath(name?: string): string {
    return `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases${name ? `/${encodeURIComponent(name)}` : ''}`;
  }

  private async renewLease(s: HollowNodeSpec): Promise<void> {
    const renewTime = new Date(this.clock.now()).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
    try {
      await this.opts.client.patch(this.leasePath(s.name), { spec: { holderIdentity: s.name, leaseDurationSeconds: 40, renewTime } }, 'merge');
    } catch (err) {
      if (!isNotFound(err)) {
        this.log.warn(`hollow: lease ${s.name}: ${(err as Error).message}`);
        return;
      }
      try {
        await this.opts.client.create(this.leasePath(), {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: s.name, namespace: 'kube-node-lease' },
          spec: { holderIdentity: s.name, leaseDurationSeconds: 40, renewTime },
        });
      } catch (cerr) {
        if (!isAlreadyExists(cerr)) this.log.warn(`hollow: lease ${s.name}: ${(cerr as Error).message}`);
      }
    }
  }

  private async heartbeat(s: HollowNodeSpec): Promise<void> {
    try {
      await this.opts.client.patch(`/api/v1/nodes/${encodeURIComponent(s.name)}/status`, { status: { conditions: nodeConditions(this.clock.now(), this.started) } }, 'merge');
    } catch (err) {
      this.log.warn(`hollow: status of ${s.name}: ${(err as Error).message}`);
    }
  }

  private startPods(): void {
    const queue = new WorkQueue<string>({ clock: this.clock });
    this.queue = queue;
    this.pods = new Informer<PodObj>({ client: this.opts.client, resource: { group: '', version: 'v1', resource: 'pods' }, clock: this.clock, log: this.log, name: 'hollow-pods' });
    const enqueue = (p: PodObj) => {
      if (p.spec?.nodeName && this.byName.has(p.spec.nodeName)) queue.add(`${p.metadata.namespace}/${p.metadata.name}`);
    };
    this.pods.addEventHandler({
      onAdd: enqueue,
      onUpdate: (_o, p) => enqueue(p),
      onDelete: (p) => {
        const t = this.exitTimers.get(p.metadata.uid ?? '');
        if (t) this.clock.clearTimeout(t);
        this.exitTimers.delete(p.metadata.uid ?? '');
      },
    });
    this.pods.start();
    this.nodes = new Informer<KObject>({ client: this.opts.client, resource: { group: '', version: 'v1', resource: 'nodes' }, clock: this.clock, log: this.log, name: 'hollow-nodes' });
    this.nodes.start();
    this.workers = runWorkers({ queue, sync: (k) => this.syncPod(k), workers: this.concurrency, name: 'hollow-pods', log: this.log });
  }

  private podPath(p: PodObj, sub = ''): string {
    return `/api/v1/namespaces/${encodeURIComponent(p.metadata.namespace ?? '')}/pods/${encodeURIComponent(p.metadata.name ?? '')}${sub}`;
  }

  private podIP(node: HollowNodeSpec, podCIDR: string | undefined): string {
    const n = (this.ipCounters.get(node.name) ?? 0) + 1;
    this.ipCounters.set(node.name, n);
    const m = podCIDR ? /^(\d+)\.(\d+)\.(\d+)\.\d+\/24$/.exec(podCIDR) : null;
    if (m) return `${m[1]}.${m[2]}.${m[3]}.${(n % 253) + 1}`;
    return `10.244.${node.index % 256}.${(n % 253) + 1}`;
  }

  private async syncPod(key: string): Promise<void> {
    const pod = this.pods?.lister.getByKey(key);
    if (!pod) return;
    const node = this.byName.get(pod.spec?.nodeName ?? '');
    if (!node) return;
    const phase = pod.status?.phase;
    if (pod.metadata.deletionTimestamp) {
      // The "containers" stopped at once: finish the deletion as the kubelet does.
      try {
        await this.opts.client.delete(this.podPath(pod), { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
      } catch (err) {
        if (!isNotFound(err) && !isConflict(err)) throw err;
      }
      return;
    }
    if (phase === 'Succeeded' || phase === 'Failed') return;
    if (phase !== 'Running') {
      const cidr = (this.nodes?.lister.get('', node.name)?.spec as { podCIDR?: string } | undefined)?.podCIDR;
      const status = runningStatus(pod, nodeIP(node.index), pod.status?.podIP ?? this.podIP(node, cidr), this.clock.now());
      await this.opts.client.patch(this.podPath(pod, '/status'), { status }, 'merge');
      return;
    }
    const after = exitAfterSeconds(pod);
    const uid = pod.metadata.uid ?? '';
    if (after === undefined || this.exitTimers.has(uid)) return;
    const started = Date.parse(pod.status?.startTime ?? '') || this.clock.now();
    const wait = Math.max(0, started + after * 1000 - this.clock.now());
    this.exitTimers.set(uid, this.clock.setTimeout(() => void this.exit(key, uid), wait));
  }

  private async exit(key: string, uid: string): Promise<void> {
    const pod = this.pods?.lister.getByKey(key);
    if (!pod || pod.metadata.uid !== uid || pod.status?.phase !== 'Running') return;
    try {
      await this.opts.client.patch(this.podPath(pod, '/status'), { status: succeededStatus(pod, this.clock.now()) }, 'merge');
    } catch (err) {
      this.log.warn(`hollow: ${key}: ${(err as Error).message}`);
      this.exitTimers.delete(uid);
      this.queue?.add(key);
    }
  }

  async stop(): Promise<void> {
    this.abort.abort();
    for (const t of this.exitTimers.values()) this.clock.clearTimeout(t);
    this.exitTimers.clear();
    await this.workers?.stop();
    await this.pods?.stop();
    await this.nodes?.stop();
    await Promise.all(this.loops);
  }
}

export { rfc3339 };
