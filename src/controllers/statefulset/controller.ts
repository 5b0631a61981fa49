// The StatefulSet controller: pods with stable names and storage, created, deleted and
// updated in ordinal order. Keys are StatefulSets; pod changes enqueue their set.

import { realClock, type Clock } from '../../client/clock.js';
import { runWorkers } from '../../client/controller.js';
import { EventRecorder } from '../../client/events.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import { objectKey, type KObject } from '../../client/types.js';
import { WorkQueue } from '../../client/work-queue.js';
import { byControllerUid, controllerUidIndex, ownerKey } from '../history/owner.js';
import type { Pod } from '../history/pods.js';
import type { ControllerRevision } from '../history/revision.js';
import type { StatefulSet } from './identity.js';
import { syncStatefulSet } from './sync.js';

export interface StatefulSetControllerOptions {
  client: RestClient;
  log: Logger;
  clock?: Clock;
  /** Default 5. */
  workers?: number;
  informers?: InformerFactory;
}

export function startStatefulSetController(opts: StatefulSetControllerOptions): { stop(): Promise<void> } {
  const { client, log } = opts;
  const clock = opts.clock ?? realClock;
  const queue = new WorkQueue<string>({ clock });
  const factory = opts.informers ?? new InformerFactory({ client, log, clock });
  const indexers = { [controllerUidIndex]: byControllerUid };
  const sets = factory.informer<StatefulSet>({ resource: { group: 'apps', version: 'v1', resource: 'statefulsets' }, name: 'statefulsets' });
  const pods = factory.informer<Pod>({ resource: { group: '', version: 'v1', resource: 'pods' }, name: 'pods', indexers });
  const claims = factory.informer<KObject>({ resource: { group: '', version: 'v1', resource: 'persistentvolumeclaims' }, name: 'persistentvolumeclaims' });
  const revisions = factory.informer<ControllerRevision>({ resource: { group: 'apps', version: 'v1', resource: 'controllerrevisions' }, name: 'controllerrevisions', indexers });
  const events = new EventRecorder({ client, component: 'statefulset-controller', clock, log });
  const enqueue = (o: KObject) => queue.add(objectKey(o));
  const byOwner = (o: KObject) => {
    const k = ownerKey(o, 'StatefulSet');
    if (k) queue.add(k);
  };
  const offs = [
    sets.addEventHandler({ onAdd: enqueue, onUpdate: (_o, s) => enqueue(s), onDelete: enqueue }),
    pods.addEventHandler({ onAdd: byOwner, onUpdate: (_o, p) => byOwner(p), onDelete: byOwner }),
    revisions.addEventHandler({ onDelete: byOwner }),
  ];
  factory.start();
  const abort = new AbortController();
  let workers: { stop(): Promise<void> } | undefined;
  const ready = Promise.all([sets, pods, claims, revisions].map((i) => i.waitForSync(abort.signal))).then((oks) => {
    if (!oks.every(Boolean) || abort.signal.aborted) return;
    workers = runWorkers({
      queue,
      workers: opts.workers ?? 5,
      name: 'statefulset-controller',
      log,
      sync: (key) => syncStatefulSet(key, { client, log, clock, sets: sets.lister, pods: pods.lister, claims: claims.lister, revisions: revisions.lister, events }),
    });
    log.info('statefulset controller started');
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
