// Starts the mirroring controller: Services, Endpoints and EndpointSlices followed by
// informers, all keyed by the Service's namespace/name.

import { realClock, type Clock } from '../../client/clock.js';
import { runWorkers, type Workers } from '../../client/controller.js';
import { InformerFactory } from '../../client/informer-factory.js';
import { SliceWriteTracker } from './tracker.js';
import type { Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import { objectKey, type KObject } from '../../client/types.js';
import { WorkQueue } from '../../client/work-queue.js';
import type { EndpointsObj } from '../endpoints/sync.js';
import type { ServiceObj } from '../endpoints/types.js';
import type { EndpointSliceObj } from './apply.js';
import { mirroringControllerName, syncMirroredSlices } from './mirroring.js';
import { isManagedBy, serviceNameLabel } from './sync.js';

export interface MirroringControllerOptions {
  client: RestClient;
  log: Logger;
  clock?: Clock;
  /** Default 1. */
  workers?: number;
  informers?: InformerFactory;
}

export function startEndpointSliceMirroringController(opts: MirroringControllerOptions): { stop(): Promise<void> } {
  const { client, log } = opts;
  const clock = opts.clock ?? realClock;
  const factory = opts.informers ?? new InformerFactory({ client, log, clock });
  const queue = new WorkQueue<string>({ clock });
  const tracker = new SliceWriteTracker(clock);
  const services = factory.informer<ServiceObj>({ resource: { group: '', version: 'v1', resource: 'services' } });
  const endpoints = factory.informer<EndpointsObj>({ resource: { group: '', version: 'v1', resource: 'endpoints' } });
  const slices = factory.informer<EndpointSliceObj>({ resource: { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' } });
  const add = (o: KObject) => queue.add(objectKey(o));
  const forSlice = (s: EndpointSliceObj) => {
    if (isManagedBy(s, mirroringControllerName)) queue.add(`${s.metadata.namespace ?? ''}/${s.metadata.labels![serviceNameLabel]}`);
  };
  const unsubs = [
    services.addEventHandler({ onAdd: add, onUpdate: (_o, s) => add(s), onDelete: add }),
    endpoints.addEventHandler({ onAdd: add, onUpdate: (_o, e) => add(e), onDelete: add }),
    slices.addEventHandler({ onAdd: forSlice, onUpdate: (_o, s) => forSlice(s), onDelete: forSlice }),
  ];
  factory.start();
  const abort = new AbortController();
  let workers: Workers | undefined;
  const ready = Promise.all([services, endpoints, slices].map((i) => i.waitForSync(abort.signal))).then((ok) => {
    if (!ok.every(Boolean) || abort.signal.aborted) return;
    workers = runWorkers({
      queue,
      workers: opts.workers ?? 1,
      name: 'endpointslicemirroring-controller',
      log,
      sync: (key) => syncMirroredSlices(key, { client, log, services: services.lister, endpoints: endpoints.lister, slices: slices.lister, tracker }),
    });
    log.info('endpointslice mirroring controller started');
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
