// The scheduler proper: informers feed the cache (nodes, bound pods) and the queue
// (pending pods); one loop takes the next pod, filters and scores synchronously against
// the cache, assumes the pod onto the chosen node and hands the binding to a bounded
// pool, so the next pod is scheduled while earlier bindings are still in flight.

import { realClock, type Clock } from '../client/clock.js';
import { EventRecorder } from '../client/events.js';
import { isConflict, isNotFound } from '../client/errors.js';
import { InformerFactory } from '../client/informer-factory.js';
import type { Informer } from '../client/informer.js';
import { silentLogger, type Logger } from '../client/log.js';
import type { RestClient } from '../client/rest-client.js';
import type { KObject } from '../client/types.js';
import { Algorithm, FitError } from './algorithm.js';
import { SchedulerCache } from './cache/cache.js';
import type { SchedulerConfig } from './config.js';
import type { Framework } from './framework/framework.js';
import { CycleState, type ClusterEvent } from './framework/interfaces.js';
import { newPodInfo, type PodInfo } from './framework/pod-info.js';
import { Limiter } from './limiter.js';
import { Nominator } from './nominator.js';
import { isTerminal, podSpecChanged, unschedulablePatch } from './pod-status.js';
import { defaultFramework } from './profile.js';
import { SchedulingQueue, type QueuedPod } from './queue/scheduling-queue.js';
import type { Node, Pod, PriorityClass } from './types.js';

export interface SchedulerOptions {
  client: RestClient;
  log?: Logger;
  clock?: Clock;
  config?: SchedulerConfig;
  /** Bindings in flight at once. Default 128: the API server, not the scheduler, is the limit, and bindings waiting behind pod creates are latency. */
  bindConcurrency?: number;
  /** Informers to share with other components; default a factory of its own. */
  informers?: InformerFactory;
  /** Record a Normal "Scheduled" event per bound pod, as Kubernetes does. Default true. */
  recordScheduledEvents?: boolean;
}

const podsRef = { group: '', version: 'v1', resource: 'pods' };

export class Scheduler {
  readonly cache = new SchedulerCache();
  readonly nominator = new Nominator();
  readonly queue: SchedulingQueue;
  readonly framework: Framework;
  private readonly algorithm: Algorithm;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly recorder: EventRecorder;
  private readonly binds: Limiter;
  private readonly writes = new Limiter(16);
  /**
   * "Scheduled" events get few slots and a bounded backlog (dropped beyond it, as
   * client-go's broadcaster drops when its buffer is full): at hundreds of pods a second
   * they would otherwise take the API server's capacity from the bindings.
   */
  private readonly scheduledEvents = new Limiter(4);
  private readonly factory: InformerFactory;
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly classes: Informer<PriorityClass>;
  private readonly namespaces: Informer<KObject>;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly schedulerName: string;
  private stopped = false;
  private loop?: Promise<void>;
  /** Counters for benchmarks and logs. */
  readonly stats = { scheduled: 0, failed: 0, bindErrors: 0 };

  constructor(private readonly opts: SchedulerOptions) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.log ?? silentLogger;
    this.schedulerName = opts.config?.schedulerName ?? 'default-scheduler';
    const client = opts.client;
    this.recorder = new EventRecorder({ client, component: this.schedulerName, clock: this.clock, log: this.log });
    this.binds = new Limiter(opts.bindConcurrency ?? 128);
    this.framework = defaultFramework({
      handle: this.cache,
      binder: client,
      nodeResourcesFit: opts.config?.nodeResourcesFit,
      preemption: { evict: (v, p, n) => this.evict(v, p, n), nominate: (p, n) => this.nominate(p, n) },
    });
    this.algorithm = new Algorithm(this.framework, { percentageOfNodesToScore: opts.config?.percentageOfNodesToScore, nominator: this.nominator });
    this.queue = new SchedulingQueue({ clock: this.clock, eventsByPlugin: this.framework.eventsByPlugin() });
    this.factory = opts.informers ?? new InformerFactory({ client, clock: this.clock, log: this.log });
    this.pods = this.factory.informer<Pod>({ resource: podsRef, name: 'pods' });
    this.nodes = this.factory.informer<Node>({ resource: { group: '', version: 'v1', resource: 'nodes' }, name: 'nodes' });
    this.classes = this.factory.informer<PriorityClass>({ resource: { group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses' }, name: 'priorityclasses' });
    this.namespaces = this.factory.informer<KObject>({ resource: { group: '', version: 'v1', resource: 'namespaces' }, name: 'namespaces' });
  }

  /** The pod's priority: its class's value when the class is known, else spec.priority. */
  priorityOf(pod: Pod): number {
    const cls = pod.spec?.priorityClassName;
    const pc = cls ? this.classes.lister.get('', cls) : undefined;
    if (pc && typeof pc.value === 'number') return pc.value;
    return pod.spec?.priority ?? 0;
  }

  private info(pod: Pod): PodInfo {
    return newPodInfo(pod, this.priorityOf(pod));
  }

  private responsible(pod: Pod): boolean {
    return (pod.spec?.schedulerName ?? 'default-scheduler') === this.schedulerName;
  }

  private pending(pod: Pod): boolean {
    return !pod.spec?.nodeName && !pod.metadata.deletionTimestamp && !isTerminal(pod) && this.responsible(pod) && !(pod.spec?.schedulingGates?.length);
  }

  private event(ev: ClusterEvent): void {
    this.queue.onEvent(ev);
  }

  private podAdded(pod: Pod): void {
    const nodeName = pod.spec?.nodeName;
    if (nodeName) {
      this.queue.delete(`${pod.metadata.namespace}/${pod.metadata.name}`);
      this.nominator.delete(pod.metadata.uid ?? '');
      if (isTerminal(pod)) return;
      this.cache.addOrUpdatePod(this.info(pod), nodeName);
      this.event({ resource: 'AssignedPod', action: 'Add' });
    } else if (this.pending(pod)) {
      const info = this.info(pod);
      this.queue.add(info);
      if (pod.status?.nominatedNodeName) this.nominator.set(info, pod.status.nominatedNodeName);
    }
  }

  private podUpdated(old: Pod, pod: Pod): void {
    const nodeName = pod.spec?.nodeName;
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (nodeName) {
      if (!old.spec?.nodeName) {
        this.queue.delete(key);
        this.nominator.delete(pod.metadata.uid ?? '');
      }
      if (isTerminal(pod)) {
        this.cache.removePod(pod.metadata.uid ?? '');
        if (!isTerminal(old)) this.event({ resource: 'AssignedPod', action: 'Delete' });
        return;
      }
      this.cache.addOrUpdatePod(this.info(pod), nodeName);
      if (old.spec?.nodeName) this.event({ resource: 'AssignedPod', action: 'Update' });
      else this.event({ resource: 'AssignedPod', action: 'Add' });
      return;
    }
    if (!this.pending(pod)) {
      this.nominator.delete(pod.metadata.uid ?? '');
      return this.queue.delete(key);
    }
    const info = this.info(pod);
    if (pod.status?.nominatedNodeName !== old.status?.nominatedNodeName) this.nominator.set(info, pod.status?.nominatedNodeName ?? '');
    // Our own status writes must not send an unschedulable pod round again.
    if (this.queue.has(key) && !podSpecChanged(old, pod)) return;
    this.queue.update(info);
  }

  private podDeleted(pod: Pod): void {
    if (pod.spec?.nodeName) {
      this.cache.removePod(pod.metadata.uid ?? '');
      this.event({ resource: 'AssignedPod', action: 'Delete' });
    } else {
      this.queue.delete(`${pod.metadata.namespace}/${pod.metadata.name}`);
      this.nominator.delete(pod.metadata.uid ?? '');
    }
  }

  private nodeChanged(old: Node | undefined, node: Node): void {
    this.cache.addOrUpdateNode(node);
    if (!old) return this.event({ resource: 'Node', action: 'Add' });
    const relevant = (n: Node) => JSON.stringify([n.metadata.labels, n.spec, n.status?.allocatable]);
    if (relevant(old) !== relevant(node)) this.event({ resource: 'Node', action: 'Update' });
  }

  /** Starts informers, waits for them to sync, then schedules until stop(). */
  async start(signal?: AbortSignal): Promise<void> {
    this.unsubscribe.push(
      this.nodes.addEventHandler({
        onAdd: (n) => this.nodeChanged(undefined, n),
        onUpdate: (o, n) => this.nodeChanged(o, n),
        onDelete: (n) => this.cache.removeNode(n.metadata.name ?? ''),
      }),
      this.namespaces.addEventHandler({
        onAdd: (ns) => this.cache.setNamespaceLabels(ns.metadata.name ?? '', ns.metadata.labels ?? {}),
        onUpdate: (_o, ns) => {
          this.cache.setNamespaceLabels(ns.metadata.name ?? '', ns.metadata.labels ?? {});
          this.event({ resource: 'Namespace', action: 'Update' });
        },
        onDelete: (ns) => this.cache.setNamespaceLabels(ns.metadata.name ?? '', undefined),
      }),
      this.classes.addEventHandler({ onAdd: () => this.event({ resource: 'PriorityClass', action: 'Add' }) }),
    );
    this.factory.start();
    // Pods are read once nodes and classes are known, so their priorities and nodes resolve.
    await Promise.all([this.nodes.waitForSync(signal), this.classes.waitForSync(signal), this.namespaces.waitForSync(signal)]);
    this.unsubscribe.push(
      this.pods.addEventHandler({ onAdd: (p) => this.podAdded(p), onUpdate: (o, p) => this.podUpdated(o, p), onDelete: (p) => this.podDeleted(p) }),
    );
    if (!(await this.pods.waitForSync(signal))) return;
    this.log.info(`scheduler: synced ${this.cache.nodes().length} nodes; scheduling`);
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    let n = 0;
    while (!this.stopped) {
      const q = await this.queue.pop();
      if (!q) break;
      try {
        await this.scheduleOne(q);
      } catch (err) {
        this.log.error(`scheduler: ${q.info.key}: ${(err as Error).message}`);
        this.queue.addBackoff(q);
      }
      // Let watch events and binding answers in now and then, so the cache stays current.
      if (++n % 16 === 0) await new Promise((r) => setImmediate(r));
    }
  }

  async scheduleOne(q: QueuedPod): Promise<void> {
    const cycle = this.queue.cycle;
    const current = this.pods.lister.getByKey(q.info.key);
    if (!current || current.metadata.uid !== q.info.uid || !this.pending(current)) return;
    if (current !== q.info.pod) q.info = this.info(current);
    const info = q.info;
    const state = new CycleState();
    let node: string;
    try {
      node = this.algorithm.schedule(state, info, this.cache.nodes()).node;
    } catch (err) {
      if (!(err instanceof FitError)) throw err;
      let nominated: string | undefined;
      if (this.framework.hasPostFilter() && err.numAllNodes > 0) {
        const r = await this.framework.runPostFilter(state, info, err.statuses);
        if (r.status.code === 'Error') this.log.warn(`scheduler: preemption for ${info.key} failed: ${r.status.message()}`);
        else if (!r.status.isSuccess() && r.status.message()) err.setPostFilterMessage(r.status.message());
        nominated = r.result?.nominatedNodeName;
      }
      this.unschedulable(q, err, cycle, nominated);
      return;
    }
    this.cache.assumePod(info, node);
    const reserved = this.framework.runReserve(state, info, node);
    if (!reserved.isSuccess()) {
      this.cache.forgetPod(info.uid);
      this.queue.addBackoff(q);
      return;
    }
    await this.binds.acquire();
    void this.bind(q, state, node).finally(() => this.binds.release());
  }

  private async bind(q: QueuedPod, state: CycleState, node: string): Promise<void> {
    const info = q.info;
    const s = await this.framework.runBind(info.pod, node);
    if (s.isSuccess()) {
      this.stats.scheduled++;
      this.nominator.delete(info.uid);
      if (this.opts.recordScheduledEvents !== false) {
        this.background(() => this.recorder.event(info.pod, 'Normal', 'Scheduled', `Successfully assigned ${info.key} to ${node}`), this.scheduledEvents, 1000);
      }
      return;
    }
    this.stats.bindErrors++;
    this.cache.forgetPod(info.uid);
    this.framework.runUnreserve(state, info, node);
    // 409: someone else bound it or it changed; 404: it is gone. Either way the informer decides.
    if (s.error && (isConflict(s.error) || isNotFound(s.error))) return;
    this.log.warn(`scheduler: binding ${info.key} to ${node} failed: ${s.message()}`);
    this.background(() => this.recorder.event(info.pod, 'Warning', 'FailedScheduling', `Binding rejected: ${s.message()}`));
    const current = this.pods.lister.getByKey(info.key);
    if (current && this.pending(current)) this.queue.addBackoff(q);
  }

  private unschedulable(q: QueuedPod, err: FitError, cycle: number, nominated?: string): void {
    this.stats.failed++;
    const pod = q.info.pod;
    const message = err.message;
    this.log.info(`scheduler: ${q.info.key} unschedulable: ${message}`);
    this.queue.addUnschedulable(q, err.rejectors(), cycle);
    if (nominated !== undefined) this.nominator.set(q.info, nominated);
    this.background(() => this.recorder.event(pod, 'Warning', 'FailedScheduling', message));
    const patch = unschedulablePatch(pod, message, this.clock.now(), nominated);
    if (patch) this.background(() => this.patchStatus(pod, patch));
  }

  private async patchStatus(pod: Pod, patch: Record<string, unknown>): Promise<void> {
    const ns = encodeURIComponent(pod.metadata.namespace ?? 'default');
    const name = encodeURIComponent(pod.metadata.name ?? '');
    try {
      await this.opts.client.patch(`/api/v1/namespaces/${ns}/pods/${name}/status`, patch, 'merge');
    } catch (err) {
      if (!isNotFound(err)) this.log.warn(`scheduler: status of ${pod.metadata.namespace}/${pod.metadata.name}: ${(err as Error).message}`);
    }
  }

  private async evict(victim: PodInfo, preemptor: PodInfo, nodeName: string): Promise<void> {
    const p = victim.pod;
    const path = `/api/v1/namespaces/${encodeURIComponent(p.metadata.namespace ?? 'default')}/pods/${encodeURIComponent(p.metadata.name ?? '')}`;
    this.log.info(`scheduler: preempting ${victim.key} on ${nodeName} for ${preemptor.key}`);
    try {
      await this.opts.client.delete(path, { preconditions: { uid: victim.uid } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    this.background(() => this.recorder.event(p, 'Normal', 'Preempted', `Preempted by pod ${preemptor.uid} on node ${nodeName}`));
  }

  private async nominate(pod: PodInfo, nodeName: string): Promise<void> {
    // At once, not when the informer shows it: the very next pod must leave the room free.
    this.nominator.set(pod, nodeName);
    if (pod.pod.status?.nominatedNodeName === nodeName) return;
    await this.patchStatus(pod.pod, { status: { nominatedNodeName: nodeName } });
  }

  /** Writes that must not hold up scheduling; bounded, and dropped when far behind. */
  private background(fn: () => Promise<void>, limiter = this.writes, maxBacklog = 2000): void {
    if (limiter.pending > maxBacklog || this.stopped) return;
    void limiter.run(() => (this.stopped ? Promise.resolve() : fn())).catch((err: unknown) => this.log.warn(`scheduler: ${(err as Error).message}`));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.close();
    await this.loop;
    await this.binds.idle();
    await this.writes.idle();
    await this.scheduledEvents.idle();
    for (const u of this.unsubscribe.splice(0)) u();
    if (!this.opts.informers) await this.factory.stop();
  }
}
