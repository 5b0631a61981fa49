// The disruption controller: PodDisruptionBudgets and pods are followed by informers; a
// change to a budget enqueues it, a change to a pod enqueues every budget of its
// namespace whose selector picks it. Status is written by syncPdb; the eviction API in
// the API server spends disruptionsAllowed.

import { realClock, type Clock } from '../../client/clock.js';
import { runWorkers, type Workers } from '../../client/controller.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import { objectKey } from '../../client/types.js';
import { WorkQueue } from '../../client/work-queue.js';
import { selectorMatches, syncPdb, type PdbObj, type PodObj } from './sync.js';

export interface DisruptionControllerOptions {
  client: RestClient;
  log: Logger;
  clock?: Clock;
  /** Default 2. */
  workers?: number;
  /** Budgets are looked at again this often (their controllers' scale has no event here). Default 30 s. */
  resyncMs?: number;
  informers?: InformerFactory;
}

export function startDisruptionController(opts: DisruptionControllerOptions): { stop(): Promise<void> } {
  const { client, log } = opts;
  const clock = opts.clock ?? realClock;
  const factory = opts.informers ?? new InformerFactory({ client, log, clock });
  const queue = new WorkQueue<string>({ clock });
  const pdbs = factory.informer<PdbObj>({ resource: { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets' }, resyncMs: opts.resyncMs ?? 30_000, name: 'poddisruptionbudgets' });
  const pods = factory.informer<PodObj>({ resource: { group: '', version: 'v1', resource: 'pods' } });
  const addPdb = (p: PdbObj) => queue.add(objectKey(p));
  const addForPod = (pod: PodObj) => {
    for (const p of pdbs.lister.list(pod.metadata.namespace ?? '')) if (selectorMatches(p, pod.metadata.labels ?? {})) addPdb(p);
  };
  const unsubs = [
    pdbs.addEventHandler({ onAdd: addPdb, onUpdate: (_o, p) => addPdb(p) }),
    pods.addEventHandler({
      onAdd: addForPod,
      onUpdate: (o, p) => {
        addForPod(o);
        addForPod(p);
      },
      onDelete: addForPod,
    }),
  ];
  factory.start();
  const abort = new AbortController();
  let workers: Workers | undefined;
  const ready = Promise.all([pdbs.waitForSync(abort.signal), pods.waitForSync(abort.signal)]).then((ok) => {
    if (!ok.every(Boolean) || abort.signal.aborted) return;
    workers = runWorkers({ queue, workers: opts.workers ?? 2, name: 'disruption-controller', log, sync: (key) => syncPdb(key, { client, log, clock, pdbs: pdbs.lister, pods: pods.lister }) });
    log.info('disruption controller started');
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
