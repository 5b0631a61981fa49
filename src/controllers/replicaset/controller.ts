// The ReplicaSet controller: keeps spec.replicas pods of each ReplicaSet's template
// running. Handlers only work out which ReplicaSets an event concerns and enqueue them
// (and note observed creations and deletions in the expectations); syncReplicaSet does
// the rest from the caches.

import { realClock, type Clock } from '../../client/clock.js';
import { runWorkers } from '../../client/controller.js';
import { EventRecorder } from '../../client/events.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { Lister } from '../../client/lister.js';
import type { Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import { objectKey } from '../../client/types.js';
import { WorkQueue } from '../../client/work-queue.js';
import { labelSelectorFromObject } from '../../api/selectors/index.js';
import { controllerRefOf, Expectations, kindedEvents, isPodReady, podKey, semanticEqual, type Pod, type ReplicaSet } from '../controller-utils/index.js';
import { restReplicaSetApi, type EventSink, type ReplicaSetApi } from './api.js';
import { syncReplicaSet } from './sync.js';

export interface ReplicaSetControllerOptions {
  client: RestClient;
  log: Logger;
  /** Default the real clock. */
  clock?: Clock;
  /** Concurrent syncs. Default 5, as kube-controller-manager's --concurrent-replicaset-syncs. */
  workers?: number;
  /** Most pods created or deleted per pass. Default 500. */
  burstReplicas?: number;
  /** Shared informers; by default the controller makes (and stops) its own. */
  informers?: InformerFactory;
  /** Replaces the REST writes (tests). */
  api?: ReplicaSetApi;
  /** Replaces the Event recorder (tests). */
  events?: EventSink;
}

export interface ReplicaSetController {
  stop(): Promise<void>;
  /** The expectations, for tests. */
  readonly expectations: Expectations;
}

export function startReplicaSetController(opts: ReplicaSetControllerOptions): ReplicaSetController {
  const { client, log } = opts;
  const clock = opts.clock ?? realClock;
  const queue = new WorkQueue<string>({ clock });
  const expectations = new Expectations(clock);
  const factory = opts.informers ?? new InformerFactory({ client, clock, log });
  const rsInformer = factory.informer<ReplicaSet>({ resource: { group: 'apps', version: 'v1', resource: 'replicasets' }, name: 'replicasets' });
  const podInformer = factory.informer<Pod>({ resource: { group: '', version: 'v1', resource: 'pods' }, name: 'pods' });
  const replicaSets = rsInformer.lister;
  const handlers = podHandlers({ queue, expectations, replicaSets });

  const unsubscribeRs = rsInformer.addEventHandler({
    onAdd: (rs) => queue.add(objectKey(rs)),
    onUpdate: (_old, rs) => queue.add(objectKey(rs)),
    onDelete: (rs) => {
      expectations.delete(objectKey(rs));
      queue.add(objectKey(rs));
    },
  });
  const unsubscribePods = podInformer.addEventHandler(handlers);
  factory.start();

  const events = opts.events ?? kindedEvents(new EventRecorder({ client, component: 'replicaset-controller', clock, log }), 'apps/v1', 'ReplicaSet');
  const deps = {
    api: opts.api ?? restReplicaSetApi(client),
    events,
    replicaSets,
    pods: podInformer.lister,
    expectations,
    clock,
    log,
    burstReplicas: opts.burstReplicas ?? 500,
  };
  const abort = new AbortController();
  let workers: { stop(): Promise<void> } | undefined;
  // Syncing before both caches are full would create pods that already exist.
  const ready = Promise.all([rsInformer.waitForSync(abort.signal), podInformer.waitForSync(abort.signal)]).then(([a, b]) => {
    if (!a || !b || abort.signal.aborted) return;
    workers = runWorkers({ queue, workers: opts.workers ?? 5, name: 'replicaset-controller', log, sync: (key) => syncReplicaSet(key, deps) });
    log.info('replicaset controller started');
  });
  return {
    expectations,
    async stop() {
      abort.abort();
      unsubscribeRs();
      unsubscribePods();
      await ready;
      if (workers) await workers.stop();
      else queue.shutDown();
      if (!opts.informers) await factory.stop();
    },
  };
}

interface PodHandlerDeps {
  queue: WorkQueue<string>;
  expectations: Expectations;
  replicaSets: Lister<ReplicaSet>;
}

/** The ReplicaSet a pod's controller reference names, if it is in the cache with that uid. */
function ownerOf(pod: Pod, replicaSets: Lister<ReplicaSet>): ReplicaSet | undefined {
  const ref = controllerRefOf(pod);
  if (!ref || ref.kind !== 'ReplicaSet') return undefined;
  const rs = replicaSets.get(pod.metadata.namespace ?? '', ref.name);
  return rs && rs.metadata.uid === ref.uid ? rs : undefined;
}

/** ReplicaSets whose selector matches an orphan pod: each may want to adopt it. */
function matchingReplicaSets(pod: Pod, replicaSets: Lister<ReplicaSet>): ReplicaSet[] {
  return replicaSets.list(pod.metadata.namespace ?? '').filter((rs) => {
    try {
      return labelSelectorFromObject(rs.spec?.selector).matches(pod.metadata.labels);
    } catch {
      return false;
    }
  });
}

export function podHandlers(d: PodHandlerDeps) {
  const onDelete = (pod: Pod) => {
    const rs = ownerOf(pod, d.replicaSets);
    if (!rs) return;
    const key = objectKey(rs);
    d.expectations.deletionObserved(key, podKey(pod));
    d.queue.add(key);
  };
  const onAdd = (pod: Pod) => {
    // A pod that arrives already being deleted (after a relist) counts as a deletion.
    if (pod.metadata.deletionTimestamp) return onDelete(pod);
    const rs = ownerOf(pod, d.replicaSets);
    if (rs) {
      const key = objectKey(rs);
      d.expectations.creationObserved(key);
      d.queue.add(key);
      return;
    }
    if (controllerRefOf(pod)) return; // owned by something else
    for (const m of matchingReplicaSets(pod, d.replicaSets)) d.queue.add(objectKey(m));
  };
  const onUpdate = (old: Pod, cur: Pod) => {
    // A resync: nothing changed, and periodic resyncs of ReplicaSets cover it.
    if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
    const labelsChanged = !semanticEqual(old.metadata.labels, cur.metadata.labels);
    if (cur.metadata.deletionTimestamp) {
      // Graceful deletion starts: the ReplicaSet can make a replacement now rather than
      // after the grace period. Its old labels may have named other ReplicaSets.
      onDelete(cur);
      if (labelsChanged) onDelete(old);
      return;
    }
    const oldRef = controllerRefOf(old);
    const curRef = controllerRefOf(cur);
    const refChanged = oldRef?.uid !== curRef?.uid;
    if (refChanged && oldRef) {
      const prev = ownerOf(old, d.replicaSets);
      if (prev) d.queue.add(objectKey(prev));
    }
    if (curRef) {
      const rs = ownerOf(cur, d.replicaSets);
      if (!rs) return;
      const key = objectKey(rs);
      d.queue.add(key);
      const minReady = rs.spec?.minReadySeconds ?? 0;
      // Newly ready: it becomes available minReadySeconds from now.
      if (minReady > 0 && !isPodReady(old) && isPodReady(cur)) d.queue.addAfter(key, minReady * 1000 + 1000);
      return;
    }
    if (labelsChanged || refChanged) for (const m of matchingReplicaSets(cur, d.replicaSets)) d.queue.add(objectKey(m));
  };
  return { onAdd, onUpdate, onDelete };
}
