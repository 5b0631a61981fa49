// The DaemonSet controller: one pod per eligible node. Keys are DaemonSets; a pod
// change enqueues its controlling DaemonSet, and a node change enqueues every DaemonSet
// (any of them may now belong, or no longer belong, on that node).

import { realClock, type Clock } from '../../client/clock.js';
import { runWorkers } from '../../client/controller.js';
import { EventRecorder } from '../../client/events.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import { objectKey, type KObject } from '../../client/types.js';
import { WorkQueue } from '../../client/work-queue.js';
import { Expectations } from '../history/expectations.js';
import { byControllerUid, controllerUidIndex, ownerKey } from '../history/owner.js';
import type { Pod } from '../history/pods.js';
import type { ControllerRevision } from '../history/revision.js';
import type { Node } from './node-fit.js';
import { syncDaemonSet, type DaemonSet } from './sync.js';

export interface DaemonSetControllerOptions {
  client: RestClient;
  log: Logger;
  clock?: Clock;
  /** Default 2. */
  workers?: number;
  informers?: InformerFactory;
}

export function startDaemonSetController(opts: DaemonSetControllerOptions): { stop(): Promise<void> } {
  const { client, log } = opts;
  const clock = opts.clock ?? realClock;
  const queue = new WorkQueue<string>({ clock });
  const factory = opts.informers ?? new InformerFactory({ client, log, clock });
  const indexers = { [controllerUidIndex]: byControllerUid };
  const daemonSets = factory.informer<DaemonSet>({ resource: { group: 'apps', version: 'v1', resource: 'daemonsets' }, name: 'daemonsets' });
  const nodes = factory.informer<Node>({ resource: { group: '', version: 'v1', resource: 'nodes' }, name: 'nodes' });
  const pods = factory.informer<Pod>({ resource: { group: '', version: 'v1', resource: 'pods' }, name: 'pods', indexers });
  const revisions = factory.informer<ControllerRevision>({ resource: { group: 'apps', version: 'v1', resource: 'controllerrevisions' }, name: 'controllerrevisions', indexers });
  const expectations = new Expectations(clock);
  const failures = new Map<string, { count: number; lastMs: number }>();
  const events = new EventRecorder({ client, component: 'daemonset-controller', clock, log });

  const enqueue = (o: KObject) => queue.add(objectKey(o));
  const all = () => {
    for (const ds of daemonSets.lister.list()) enqueue(ds);
  };
  const podEvent = (p: Pod, kind: 'add' | 'update' | 'delete') => {
    const k = ownerKey(p, 'DaemonSet');
    if (!k) return;
    if (kind === 'add') expectations.observeAdd(k, p.metadata.name!);
    if (kind === 'delete' || p.metadata.deletionTimestamp) expectations.observeDelete(k, p.metadata.name!);
    queue.add(k);
  };
  const offs = [
    daemonSets.addEventHandler({ onAdd: enqueue, onUpdate: (_o, ds) => enqueue(ds), onDelete: enqueue }),
    nodes.addEventHandler({ onAdd: all, onUpdate: (a, b) => { if (JSON.stringify([a.metadata.labels, a.spec]) !== JSON.stringify([b.metadata.labels, b.spec])) all(); }, onDelete: all }),
    pods.addEventHandler({ onAdd: (p) => podEvent(p, 'add'), onUpdate: (_o, p) => podEvent(p, 'update'), onDelete: (p) => podEvent(p, 'delete') }),
    revisions.addEventHandler({ onDelete: (r) => { const k = ownerKey(r, 'DaemonSet'); if (k) queue.add(k); } }),
  ];
  factory.start();

  const abort = new AbortController();
  let workers: { stop(): Promise<void> } | undefined;
  const ready = Promise.all([daemonSets, nodes, pods, revisions].map((i) => i.waitForSync(abort.signal))).then((oks) => {
    if (!oks.every(Boolean) || abort.signal.aborted) return;
    workers = runWorkers({
      queue,
      workers: opts.workers ?? 2,
      name: 'daemonset-controller',
      log,
      sync: (key) => syncDaemonSet(key, { client, log, clock, daemonSets: daemonSets.lister, nodes: nodes.lister, pods: pods.lister, revisions: revisions.lister, expectations, failures, events }),
    });
    log.info('daemonset controller started');
  });
  return {
    async stop() {
      abort.abort();
      for (const off of offs) off();
      await ready;
      if (workers) await workers.stop();
      else queue.shutDown();
      if (!opts.informers) await factory.stop();
    },
  };
}
