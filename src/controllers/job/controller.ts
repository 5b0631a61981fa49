// The Job controller: runs a Job's pods to completion. Keys are `namespace/name` of
// Jobs; pod events enqueue the pod's controlling Job, and every pod change also settles
// the expectations that keep a lagging cache from causing duplicate creates.

import { realClock, type Clock } from '../../client/clock.js';
import { runWorkers } from '../../client/controller.js';
import { EventRecorder } from '../../client/events.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import { objectKey } from '../../client/types.js';
import { WorkQueue } from '../../client/work-queue.js';
import { Expectations } from '../history/expectations.js';
import { byControllerUid, controllerUidIndex, ownerKey } from '../history/owner.js';
import type { Pod } from '../history/pods.js';
import { BackoffStore } from './backoff.js';
import { syncJob } from './sync.js';
import type { Job } from './types.js';

export interface JobControllerOptions {
  client: RestClient;
  log: Logger;
  /** Default the real clock. */
  clock?: Clock;
  /** Default 5. */
  workers?: number;
  /** Shared informers; by default the controller makes (and stops) its own. */
  informers?: InformerFactory;
}

export function startJobController(opts: JobControllerOptions): { stop(): Promise<void> } {
  const { client, log } = opts;
  const clock = opts.clock ?? realClock;
  const queue = new WorkQueue<string>({ clock });
  const factory = opts.informers ?? new InformerFactory({ client, log, clock });
  const jobs = factory.informer<Job>({ resource: { group: 'batch', version: 'v1', resource: 'jobs' }, name: 'jobs' });
  const pods = factory.informer<Pod>({ resource: { group: '', version: 'v1', resource: 'pods' }, name: 'pods', indexers: { [controllerUidIndex]: byControllerUid } });
  const expectations = new Expectations(clock);
  const backoff = new BackoffStore();
  const events = new EventRecorder({ client, component: 'job-controller', clock, log });

  const offJobs = jobs.addEventHandler({
    onAdd: (j) => queue.add(objectKey(j)),
    onUpdate: (_o, j) => queue.add(objectKey(j)),
    onDelete: (j) => queue.add(objectKey(j)),
  });
  const offPods = pods.addEventHandler({
    onAdd: (p) => {
      const k = ownerKey(p, 'Job');
      if (!k) return;
      expectations.observeAdd(k, p.metadata.name!);
      if (p.metadata.deletionTimestamp) expectations.observeDelete(k, p.metadata.name!);
      queue.add(k);
    },
    onUpdate: (_o, p) => {
      const k = ownerKey(p, 'Job');
      if (!k) return;
      if (p.metadata.deletionTimestamp) expectations.observeDelete(k, p.metadata.name!);
      queue.add(k);
    },
    onDelete: (p) => {
      const k = ownerKey(p, 'Job');
      if (!k) return;
      expectations.observeDelete(k, p.metadata.name!);
      queue.add(k);
    },
  });
  factory.start();

  const abort = new AbortController();
  let workers: { stop(): Promise<void> } | undefined;
  const ready = Promise.all([jobs.waitForSync(abort.signal), pods.waitForSync(abort.signal)]).then(([a, b]) => {
    if (!a || !b || abort.signal.aborted) return;
    workers = runWorkers({
      queue,
      workers: opts.workers ?? 5,
      name: 'job-controller',
      log,
      sync: (key) => syncJob(key, { client, log, clock, jobs: jobs.lister, pods: pods.lister, expectations, backoff, events }),
    });
    log.info('job controller started');
  });
  return {
    async stop() {
      abort.abort();
      offJobs();
      offPods();
      await ready;
      if (workers) await workers.stop();
      else queue.shutDown();
      if (!opts.informers) await factory.stop();
    },
  };
}
