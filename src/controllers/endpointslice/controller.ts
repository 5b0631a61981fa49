// The EndpointSlice controller: Services, Pods, Nodes (for zones) and EndpointSlices
// followed by informers. A slice this controller manages enqueues its Service (by the
// service-name label), so a slice changed or deleted behind its back is put right.

import { realClock, type Clock } from '../../client/clock.js';
import { runWorkers, type Workers } from '../../client/controller.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import { objectKey, type KObject } from '../../client/types.js';
import { WorkQueue } from '../../client/work-queue.js';
import { podHandlers, serviceAndPodInformers } from '../endpoints/controller.js';
import type { NodeObj } from '../endpoints/types.js';
import { isManaged, serviceNameLabel, syncEndpointSlices, type EndpointSliceObj } from './sync.js';
import { SliceWriteTracker } from './tracker.js';

export interface EndpointSliceControllerOptions {
  client: RestClient;
  log: Logger;
  clock?: Clock;
  /** Default 2. */
  workers?: number;
  informers?: InformerFactory;
}

export function startEndpointSliceController(opts: EndpointSliceControllerOptions): { stop(): Promise<void> } {
  const { client, log } = opts;
  const clock = opts.clock ?? realClock;
  const factory = opts.informers ?? new InformerFactory({ client, log, clock });
  const queue = new WorkQueue<string>({ clock });
  const tracker = new SliceWriteTracker(clock);
  const { services, pods } = serviceAndPodInformers(factory);
  const slices = factory.informer<EndpointSliceObj>({ resource: { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' } });
  const nodes = factory.informer<NodeObj>({ resource: { group: '', version: 'v1', resource: 'nodes' } });
  const add = (o: KObject) => queue.add(objectKey(o));
  const forSlice = (s: EndpointSliceObj) => {
    if (isManaged(s)) queue.add(`${s.metadata.namespace ?? ''}/${s.metadata.labels![serviceNameLabel]}`);
  };
  const forNode = (n: NodeObj) => {
    // A node's zone label is copied into the endpoints of the pods on it.
    for (const p of pods.lister.list()) if (p.spec?.nodeName === n.metadata.name) podHandlers(services, queue).onAdd(p);
  };
  const unsubs = [
    services.addEventHandler({ onAdd: add, onUpdate: (_o, s) => add(s), onDelete: add }),
    slices.addEventHandler({ onAdd: forSlice, onUpdate: (_o, s) => forSlice(s), onDelete: forSlice }),
    pods.addEventHandler(podHandlers(services, queue)),
    nodes.addEventHandler({
      onUpdate: (o, n) => {
        if (o.metadata.labels?.['topology.kubernetes.io/zone'] !== n.metadata.labels?.['topology.kubernetes.io/zone']) forNode(n);
      },
    }),
  ];
  factory.start();
  const abort = new AbortController();
  let workers: Workers | undefined;
  const ready = Promise.all([services, pods, slices, nodes].map((i) => i.waitForSync(abort.signal))).then((ok) => {
    if (!ok.every(Boolean) || abort.signal.aborted) return;
    workers = runWorkers({
      queue,
      workers: opts.workers ?? 2,
      name: 'endpointslice-controller',
      log,
      sync: (key) => syncEndpointSlices(key, { client, log, services: services.lister, pods: pods.lister, slices: slices.lister, nodes: nodes.lister, tracker }),
    });
    log.info('endpointslice controller started');
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
