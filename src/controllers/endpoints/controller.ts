// The Endpoints controller: Services, Pods and Endpoints followed by informers. A
// Service or its Endpoints changing enqueues the Service; a pod changing enqueues every
// Service of its namespace whose selector picks it, before or after the change.

import { realClock, type Clock } from '../../client/clock.js';
import { runWorkers, type Workers } from '../../client/controller.js';
import type { Informer } from '../../client/informer.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import { objectKey, type KObject } from '../../client/types.js';
import { WorkQueue } from '../../client/work-queue.js';
import { selects } from './pods.js';
import { syncEndpoints, type EndpointsObj } from './sync.js';
import type { PodObj, ServiceObj } from './types.js';

export interface EndpointsControllerOptions {
  client: RestClient;
  log: Logger;
  clock?: Clock;
  /** Default 2. */
  workers?: number;
  informers?: InformerFactory;
}

export function serviceAndPodInformers(factory: InformerFactory): { services: Informer<ServiceObj>; pods: Informer<PodObj> } {
  return {
    services: factory.informer<ServiceObj>({ resource: { group: '', version: 'v1', resource: 'services' } }),
    pods: factory.informer<PodObj>({ resource: { group: '', version: 'v1', resource: 'pods' } }),
  };
}

/** Event handlers that enqueue the Services a pod belongs to (old and new labels both count). */
export function podHandlers(services: Informer<ServiceObj>, queue: WorkQueue<string>) {
  const forPod = (pod: PodObj) => {
    for (const s of services.lister.list(pod.metadata.namespace ?? '')) if (selects(s, pod.metadata.labels)) queue.add(objectKey(s));
  };
  return {
    onAdd: forPod,
    onUpdate: (o: PodObj, p: PodObj) => {
      forPod(o);
      forPod(p);
    },
    onDelete: forPod,
  };
}

export function startEndpointsController(opts: EndpointsControllerOptions): { stop(): Promise<void> } {
  const { client, log } = opts;
  const clock = opts.clock ?? realClock;
  const factory = opts.informers ?? new InformerFactory({ client, log, clock });
  const queue = new WorkQueue<string>({ clock });
  const { services, pods } = serviceAndPodInformers(factory);
  const endpoints = factory.informer<EndpointsObj>({ resource: { group: '', version: 'v1', resource: 'endpoints' } });
  const add = (o: KObject) => queue.add(objectKey(o));
  const forEndpoints = (e: EndpointsObj) => {
    if (services.lister.get(e.metadata.namespace ?? '', e.metadata.name ?? '')) add(e);
  };
  const unsubs = [
    services.addEventHandler({ onAdd: add, onUpdate: (_o, s) => add(s), onDelete: add }),
    // Endpoints enqueue their Service only while it exists: Endpoints made before their
    // Service (or for none) are the user's business, not an orphan to delete.
    endpoints.addEventHandler({ onAdd: forEndpoints, onUpdate: (_o, e) => forEndpoints(e), onDelete: forEndpoints }),
    pods.addEventHandler(podHandlers(services, queue)),
  ];
  factory.start();
  const abort = new AbortController();
  let workers: Workers | undefined;
  const ready = Promise.all([services, pods, endpoints].map((i) => i.waitForSync(abort.signal))).then((ok) => {
    if (!ok.every(Boolean) || abort.signal.aborted) return;
    workers = runWorkers({ queue, workers: opts.workers ?? 2, name: 'endpoints-controller', log, sync: (key) => syncEndpoints(key, { client, log, services: services.lister, pods: pods.lister, endpoints: endpoints.lister }) });
    log.info('endpoints controller started');
  });
  return {
    async stop() {
      abort.abort();
      for (const u of unsubs) u();
      await ready;
      if (workers) await workers.stop();
      else queue.shutDown();
      if (!opts.informers) await factory.stop();
    },
  };
}
