// The node lifecycle controller with its NoExecute taint manager. Nodes, their Leases
// (kube-node-lease) and pods (indexed by node) are followed by informers; any change
// enqueues the node's name, and every node is looked at again each monitor period, since
// the absence of heartbeats produces no event at all.

import { realClock, type Clock, type TimerHandle } from '../../client/clock.js';
import { runWorkers, type Workers } from '../../client/controller.js';
import { InformerFactory } from '../../client/informer-factory.js';
import { podsByNodeName } from '../../client/lister.js';
import type { Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import type { KObject } from '../../client/types.js';
import { WorkQueue } from '../../client/work-queue.js';
import { nodeByNameIndex, nodeLeaseNamespace, ProbeTimes, syncNode, type NodeObj, type PodObj } from './sync.js';

export interface NodeLifecycleControllerOptions {
  client: RestClient;
  log: Logger;
  clock?: Clock;
  /** How long a kubelet may stay silent before its node is Unknown (--node-monitor-grace-period). Default 40 s. */
  nodeMonitorGracePeriodMs?: number;
  /** How often every node is checked (--node-monitor-period). Default 5 s. */
  nodeMonitorPeriodMs?: number;
  /** Default 3. */
  workers?: number;
  informers?: InformerFactory;
}

export function startNodeLifecycleController(opts: NodeLifecycleControllerOptions): { stop(): Promise<void> } {
  const { client, log } = opts;
  const clock = opts.clock ?? realClock;
  const factory = opts.informers ?? new InformerFactory({ client, log, clock });
  const queue = new WorkQueue<string>({ clock });
  const nodes = factory.informer<NodeObj>({ resource: { group: '', version: 'v1', resource: 'nodes' } });
  const leases = factory.informer<KObject>({ resource: { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespace: nodeLeaseNamespace } });
  const pods = factory.informer<PodObj>({ resource: { group: '', version: 'v1', resource: 'pods' }, indexers: { [nodeByNameIndex]: podsByNodeName } });
  const byName = (o: KObject) => o.metadata.name && queue.add(o.metadata.name);
  const byPodNode = (p: PodObj) => p.spec?.nodeName && queue.add(p.spec.nodeName);
  const unsubs = [
    nodes.addEventHandler({ onAdd: byName, onUpdate: (_o, n) => byName(n), onDelete: byName }),
    leases.addEventHandler({ onAdd: byName, onUpdate: (_o, l) => byName(l) }),
    pods.addEventHandler({ onAdd: byPodNode, onUpdate: (_o, p) => byPodNode(p) }),
  ];
  factory.start();
  const probes = new ProbeTimes();
  const periodMs = opts.nodeMonitorPeriodMs ?? 5000;
  const abort = new AbortController();
  let workers: Workers | undefined;
  let timer: TimerHandle | undefined;
  const tick = () => {
    for (const k of nodes.lister.keys()) queue.add(k);
    timer = clock.setTimeout(tick, periodMs);
  };
  const ready = Promise.all([nodes.waitForSync(abort.signal), leases.waitForSync(abort.signal), pods.waitForSync(abort.signal)]).then((ok) => {
    if (!ok.every(Boolean) || abort.signal.aborted) return;
    const deps = {
      client,
      log,
      clock,
      gracePeriodMs: opts.nodeMonitorGracePeriodMs ?? 40_000,
      nodes: nodes.lister,
      leases: leases.lister,
      pods: pods.lister,
      probes,
    };
    workers = runWorkers({ queue, workers: opts.workers ?? 3, name: 'node-lifecycle-controller', log, sync: (name) => syncNode(name, deps) });
    tick();
    log.info('node lifecycle controller started');
  });
  return {
    async stop() {
      abort.abort();
      for (const u of unsubs) u();
      await ready;
      if (timer) clock.clearTimeout(timer);
      if (workers) await workers.stop();
      else queue.shutDown();
      if (!opts.informers) await factory.stop();
    },
  };
}
