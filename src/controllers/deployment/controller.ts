// The Deployment controller: rolls pod templates out through ReplicaSets. Handlers
// only map an event to the deployments it concerns and enqueue them; syncDeployment
// does the work from the caches.

import { realClock, type Clock } from '../../client/clock.js';
import { runWorkers } from '../../client/controller.js';
import { EventRecorder } from '../../client/events.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { Lister } from '../../client/lister.js';
import type { Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import { objectKey, type KObject } from '../../client/types.js';
import { WorkQueue } from '../../client/work-queue.js';
import { labelSelectorFromObject } from '../../api/selectors/index.js';
import { controllerRefOf, kindedEvents, semanticEqual, type Deployment, type Pod, type ReplicaSet } from '../controller-utils/index.js';
import { restDeploymentApi, type DeploymentApi, type EventSink } from './api.js';
import { syncDeployment } from './sync.js';

export interface DeploymentControllerOptions {
  client: RestClient;
  log: Logger;
  /** Default the real clock. */
  clock?: Clock;
  /** Concurrent syncs. Default 5, as kube-controller-manager's --concurrent-deployment-syncs. */
  workers?: number;
  /** Shared informers; by default the controller makes (and stops) its own. */
  informers?: InformerFactory;
  /** Replaces the REST writes (tests). */
  api?: DeploymentApi;
  /** Replaces the Event recorder (tests). */
  events?: EventSink;
}

export function startDeploymentController(opts: DeploymentControllerOptions): { stop(): Promise<void> } {
  const { client, log } = opts;
  const clock = opts.clock ?? realClock;
  const queue = new WorkQueue<string>({ clock });
  const factory = opts.informers ?? new InformerFactory({ client, clock, log });
  const dInformer = factory.informer<Deployment>({ resource: { group: 'apps', version: 'v1', resource: 'deployments' }, name: 'deployments' });
  const rsInformer = factory.informer<ReplicaSet>({ resource: { group: 'apps', version: 'v1', resource: 'replicasets' }, name: 'replicasets' });
  const podInformer = factory.informer<Pod>({ resource: { group: '', version: 'v1', resource: 'pods' }, name: 'pods' });
  const deployments = dInformer.lister;
  const replicaSets = rsInformer.lister;
  const enqueue = (o: KObject) => queue.add(objectKey(o));
  const rsHandlers = replicaSetHandlers(deployments, enqueue);

  const unsubscribe = [
    dInformer.addEventHandler({ onAdd: enqueue, onUpdate: (_o, d) => enqueue(d), onDelete: enqueue }),
    rsInformer.addEventHandler(rsHandlers),
    // Recreate waits for the old pods to be gone; their deletions are what it waits on.
    podInformer.addEventHandler({
      onDelete: (pod) => {
        const d = deploymentOfPod(pod, replicaSets, deployments);
        if (d && d.spec?.strategy?.type === 'Recreate') enqueue(d);
      },
    }),
  ];
  factory.start();

  const deps = {
    api: opts.api ?? restDeploymentApi(client),
    events: opts.events ?? kindedEvents(new EventRecorder({ client, component: 'deployment-controller', clock, log }), 'apps/v1', 'Deployment'),
    clock,
    log,
    deployments,
    replicaSets,
    pods: podInformer.lister,
  };
  const abort = new AbortController();
  let workers: { stop(): Promise<void> } | undefined;
  const ready = Promise.all([dInformer, rsInformer, podInformer].map((i) => i.waitForSync(abort.signal))).then((ok) => {
    if (!ok.every(Boolean) || abort.signal.aborted) return;
    workers = runWorkers({ queue, workers: opts.workers ?? 5, name: 'deployment-controller', log, sync: (key) => syncDeployment(key, deps) });
    log.info('deployment controller started');
  });
  return {
    async stop() {
      abort.abort();
      for (const u of unsubscribe) u();
      await ready;
      if (workers) await workers.stop();
      else queue.shutDown();
      if (!opts.informers) await factory.stop();
    },
  };
}

/** The Deployment a controller reference names, if it is in the cache with that uid. */
function resolveDeployment(obj: KObject, deployments: Lister<Deployment>): Deployment | undefined {
  const ref = controllerRefOf(obj);
  if (!ref || ref.kind !== 'Deployment') return undefined;
  const d = deployments.get(obj.metadata.namespace ?? '', ref.name);
  return d && d.metadata.uid === ref.uid ? d : undefined;
}

function deploymentOfPod(pod: Pod, replicaSets: Lister<ReplicaSet>, deployments: Lister<Deployment>): Deployment | undefined {
  const ref = controllerRefOf(pod);
  if (!ref || ref.kind !== 'ReplicaSet') return undefined;
  const rs = replicaSets.get(pod.metadata.namespace ?? '', ref.name);
  if (!rs || rs.metadata.uid !== ref.uid) return undefined;
  return resolveDeployment(rs, deployments);
}

/** Deployments whose selector matches an orphan ReplicaSet: each may want to adopt it. */
function matchingDeployments(rs: ReplicaSet, deployments: Lister<Deployment>): Deployment[] {
  return deployments.list(rs.metadata.namespace ?? '').filter((d) => {
    try {
      const sel = labelSelectorFromObject(d.spec?.selector);
      return !sel.empty() && sel.matches(rs.metadata.labels);
    } catch {
      return false;
    }
  });
}

export function replicaSetHandlers(deployments: Lister<Deployment>, enqueue: (d: Deployment) => void) {
  const onDelete = (rs: ReplicaSet) => {
    const d = resolveDeployment(rs, deployments);
    if (d) enqueue(d);
  };
  const onAdd = (rs: ReplicaSet) => {
    if (rs.metadata.deletionTimestamp) return onDelete(rs);
    const d = resolveDeployment(rs, deployments);
    if (d) return enqueue(d);
    if (controllerRefOf(rs)) return;
    for (const m of matchingDeployments(rs, deployments)) enqueue(m);
  };
  const onUpdate = (old: ReplicaSet, cur: ReplicaSet) => {
    if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
    const oldRef = controllerRefOf(old);
    const curRef = controllerRefOf(cur);
    const refChanged = oldRef?.uid !== curRef?.uid;
    if (refChanged && oldRef) {
      const prev = resolveDeployment(old, deployments);
      if (prev) enqueue(prev);
    }
    if (curRef) {
      const d = resolveDeployment(cur, deployments);
      if (d) enqueue(d);
      return;
    }
    const labelsChanged = !semanticEqual(old.metadata.labels, cur.metadata.labels);
    if (labelsChanged || refChanged) for (const m of matchingDeployments(cur, deployments)) enqueue(m);
  };
  return { onAdd, onUpdate, onDelete };
}
