// The CronJob controller: Jobs on a schedule. Keys are CronJobs; a Job change enqueues
// its controlling CronJob; each sync asks to be run again at the next scheduled time,
// measured on the injected clock (so tests can run schedules fast).

import { realClock, type Clock } from '../../client/clock.js';
import { runWorkers } from '../../client/controller.js';
import { EventRecorder } from '../../client/events.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { Logger } from '../../client/log.js';
import type { RestClient } from '../../client/rest-client.js';
import { objectKey, type KObject } from '../../client/types.js';
import { WorkQueue } from '../../client/work-queue.js';
import { byControllerUid, controllerUidIndex, ownerKey } from '../history/owner.js';
import type { Job } from '../job/types.js';
import { syncCronJob, type CronJob } from './sync.js';

export interface CronJobControllerOptions {
  client: RestClient;
  log: Logger;
  /** Default the real clock. */
  clock?: Clock;
  /** Default 5. */
  workers?: number;
  informers?: InformerFactory;
}

export function startCronJobController(opts: CronJobControllerOptions): { stop(): Promise<void> } {
  const { client, log } = opts;
  const clock = opts.clock ?? realClock;
  const queue = new WorkQueue<string>({ clock });
  const factory = opts.informers ?? new InformerFactory({ client, log, clock });
  const cronJobs = factory.informer<CronJob>({ resource: { group: 'batch', version: 'v1', resource: 'cronjobs' }, name: 'cronjobs' });
  const jobs = factory.informer<Job>({ resource: { group: 'batch', version: 'v1', resource: 'jobs' }, name: 'jobs', indexers: { [controllerUidIndex]: byControllerUid } });
  const events = new EventRecorder({ client, component: 'cronjob-controller', clock, log });
  const enqueue = (o: KObject) => queue.add(objectKey(o));
  const byOwner = (j: Job) => {
    const k = ownerKey(j, 'CronJob');
    if (k) queue.add(k);
  };
  const offs = [
    cronJobs.addEventHandler({ onAdd: enqueue, onUpdate: (_o, c) => enqueue(c) }),
    jobs.addEventHandler({ onAdd: byOwner, onUpdate: (_o, j) => byOwner(j), onDelete: byOwner }),
  ];
  factory.start();
  const abort = new AbortController();
  let workers: { stop(): Promise<void> } | undefined;
  const ready = Promise.all([cronJobs.waitForSync(abort.signal), jobs.waitForSync(abort.signal)]).then(([a, b]) => {
    if (!a || !b || abort.signal.aborted) return;
    workers = runWorkers({ queue, workers: opts.workers ?? 5, name: 'cronjob-controller', log, sync: (k) => syncCronJob(k, { client, log, clock, cronJobs: cronJobs.lister, jobs: jobs.lister, events }) });
    log.info('cronjob controller started');
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
